// foliorc/foliorc.hpp — umbrella: every public header but two. Not testing/gtest.hpp (it needs
// GoogleTest) and not version.hpp: `foliorc::version` would collide with a local `version` in
// code that says `using namespace foliorc` (a -Wshadow warning); include it where it is wanted.
#pragma once

#include <foliorc/batch.hpp>
#include <foliorc/collect.hpp>
#include <foliorc/concepts.hpp>
#include <foliorc/config.hpp>
#include <foliorc/drain_policy.hpp>
#include <foliorc/dump.hpp>
#include <foliorc/dump_format.hpp>
#include <foliorc/error.hpp>
#include <foliorc/explain.hpp>
#include <foliorc/explore.hpp>
#include <foliorc/flags.hpp>
#include <foliorc/folio.hpp>
#include <foliorc/folio_change.hpp>
#include <foliorc/folio_ops.hpp>
#include <foliorc/folio_traits.hpp>
#include <foliorc/gup.hpp>
#include <foliorc/kernels.hpp>
#include <foliorc/ledger.hpp>
#include <foliorc/mapping.hpp>
#include <foliorc/migrate.hpp>
#include <foliorc/mlock_batch.hpp>
#include <foliorc/model/gup_env.hpp>
#include <foliorc/model/kernel.hpp>
#include <foliorc/model/migration.hpp>
#include <foliorc/model/trace.hpp>
#include <foliorc/page_type.hpp>
#include <foliorc/pin.hpp>
#include <foliorc/print.hpp>
#include <foliorc/queries.hpp>
#include <foliorc/rules.hpp>
#include <foliorc/snapshot.hpp>
#include <foliorc/swap_batch.hpp>
