// Shared by the unit tests: folio types and mappings with static storage.
#pragma once

#include <foliorc/foliorc.hpp>

namespace foliorc::test {
using full_folio = basic_folio<int, mapping, ledger_full>;
using kind_folio = basic_folio<int, mapping, ledger_by_kind>;

inline constexpr mapping shmem_map = file_mapping(fs::shmem, "memfd:test");
inline constexpr mapping ext4_map = file_mapping(fs::ext4);
inline constexpr mapping ceph_map = file_mapping(fs::ceph);
inline constexpr mapping nfs_map = file_mapping(fs::nfs);
inline constexpr mapping btrfs_612_map = file_mapping(fs::btrfs_6_12);

template <class F = full_folio>
F alloc(unsigned order = 0, std::uint64_t pfn = 0x1000, page_type t = page_type::none)
{
    return F(typename F::state{.pfn = pfn, .order = order, .type = t});
}
} // namespace foliorc::test
