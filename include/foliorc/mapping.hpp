// foliorc/mapping.hpp — state: what folio->mapping points at, and how a filesystem treats the
// private flags of its folios.
#pragma once

#include <concepts>
#include <cstdint>
#include <string_view>

#include <foliorc/config.hpp>

namespace foliorc::inline FOLIORC_ABI {

// What folio->mapping denotes. anon, ksm and movable_ops are the kernel's tagged pointers
// (PAGE_MAPPING_ANON, PAGE_MAPPING_KSM = ANON|MOVABLE, PAGE_MAPPING_MOVABLE). `swap` is the swap
// address space, which folio_mapping() returns for a folio in the swap cache; folio->mapping
// itself never points at it.
enum class mapping_kind : std::uint8_t { none, anon, ksm, movable_ops, file, swap };

[[nodiscard]] constexpr std::string_view mapping_kind_name(mapping_kind k) noexcept
{
    switch (k) {
    case mapping_kind::none: return "none";
    case mapping_kind::anon: return "anon";
    case mapping_kind::ksm: return "ksm";
    case mapping_kind::movable_ops: return "movable";
    case mapping_kind::file: return "file";
    case mapping_kind::swap: return "swap";
    }
    return "none";
}

// folio_test_anon(): the PAGE_MAPPING_ANON bit, set for anon and KSM.
constexpr bool is_anon_kind(mapping_kind k) noexcept
{
    return k == mapping_kind::anon || k == mapping_kind::ksm;
}
// Any PAGE_MAPPING_FLAGS bit in the pointer.
constexpr bool is_tagged_kind(mapping_kind k) noexcept
{
    return is_anon_kind(k) || k == mapping_kind::movable_ops;
}

// How a filesystem uses the private flags of its page-cache folios (docs/kernel.md ("PG_private_2")).
struct fs_behaviour {
    std::string_view name;
    bool swapbacked = false;     // shmem: folios are PG_swapbacked and can enter swap cache
    bool uses_private = false;   // attaches fs-private data (buffer heads, ...) with PG_private
    bool uses_private_2 = false; // sets PG_private_2 (PG_fscache) at all
    bool private_2_takes_ref = false; // setting PG_private_2 comes with +1 reference
};

template <class P>
concept fs_policy = requires(const P& p)
{
    {
        p.name
        } -> std::convertible_to<std::string_view>;
    {
        p.swapbacked
        } -> std::convertible_to<bool>;
    {
        p.uses_private
        } -> std::convertible_to<bool>;
    {
        p.uses_private_2
        } -> std::convertible_to<bool>;
    {
        p.private_2_takes_ref
        } -> std::convertible_to<bool>;
};

namespace fs {
inline constexpr fs_behaviour shmem{"shmem", true, false, false, false};
inline constexpr fs_behaviour ext4{"ext4", false, true, false, false};
inline constexpr fs_behaviour blockdev{"bdev", false, true, false, false};
inline constexpr fs_behaviour xfs{"xfs", false, true, false, false};
// netfs helpers pair PG_private_2 with a reference (Willy, 1 Sep 2025).
inline constexpr fs_behaviour ceph{"ceph", false, true, true, true};
inline constexpr fs_behaviour nfs{"nfs", false, true, true, true};
// btrfs used PG_private_2 as its "ordered" flag, without a reference, up to 6.12.
inline constexpr fs_behaviour btrfs_6_12{"btrfs<=6.12", false, true, true, false};
inline constexpr fs_behaviour btrfs{"btrfs", false, true, false, false};
inline constexpr fs_behaviour hugetlbfs{"hugetlbfs", false, false, false, false};
} // namespace fs

template <fs_policy FsPolicy = fs_behaviour>
struct basic_mapping {
    using fs_type = FsPolicy;

    mapping_kind kind = mapping_kind::none;
    FsPolicy fs{};           // meaningful for file mappings only
    std::string_view name{}; // for traces and messages ("memfd:crosvm", ...)

    constexpr bool is_anon() const noexcept { return is_anon_kind(kind); }
    constexpr bool is_file() const noexcept { return kind == mapping_kind::file; }
};

using mapping = basic_mapping<>;

// Mappings without per-instance state; folios point at these.
template <fs_policy FsPolicy = fs_behaviour>
inline constexpr basic_mapping<FsPolicy> anon_mapping_v{mapping_kind::anon, {}, "anon"};
template <fs_policy FsPolicy = fs_behaviour>
inline constexpr basic_mapping<FsPolicy> ksm_mapping_v{mapping_kind::ksm, {}, "ksm"};
template <fs_policy FsPolicy = fs_behaviour>
inline constexpr basic_mapping<FsPolicy> movable_ops_mapping_v{
    mapping_kind::movable_ops, {}, "movable_ops"};

inline constexpr const mapping& anon_mapping = anon_mapping_v<>;
inline constexpr const mapping& ksm_mapping = ksm_mapping_v<>;
inline constexpr const mapping& movable_ops_mapping = movable_ops_mapping_v<>;

constexpr mapping file_mapping(const fs_behaviour& fs, std::string_view name = {}) noexcept
{
    return mapping{mapping_kind::file, fs, name.empty() ? fs.name : name};
}

} // namespace foliorc::inline FOLIORC_ABI
