#include "core/model.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace shardplan {

std::string_view file_of(std::string_view test_id) {
  const auto sep = test_id.find("::");
  return sep == std::string_view::npos ? test_id : test_id.substr(0, sep);
}

std::string_view without_xdist_group(std::string_view test_id) {
  const auto names = test_id.find("::");
  if (names == std::string_view::npos) return test_id;
  std::size_t from = test_id.rfind("::") + 2;
  if (const auto open = test_id.find('[', names); open != std::string_view::npos) {
    const auto close = test_id.rfind(']');
    if (close == std::string_view::npos || close < open) return test_id;  // unbalanced: keep
    from = close + 1;
  }
  const auto at = test_id.find('@', from);
  if (at == std::string_view::npos || at + 1 == test_id.size()) return test_id;
  return test_id.substr(0, at);
}

Balance balance_of(const Plan& plan) {
  Balance balance;
  if (plan.shards.empty()) return balance;
  balance.min = plan.shards.front().predicted_seconds;
  double sum = 0;
  for (const Shard& shard : plan.shards) {
    balance.max = std::max(balance.max, shard.predicted_seconds);
    balance.min = std::min(balance.min, shard.predicted_seconds);
    sum += shard.predicted_seconds;
  }
  balance.mean = sum / static_cast<double>(plan.shards.size());
  balance.ratio_to_lower_bound = plan.lower_bound > 0 ? balance.max / plan.lower_bound : 1.0;
  return balance;
}

std::vector<std::string> planned_files(const Plan& plan) {
  std::vector<std::string> files;
  for (const Shard& shard : plan.shards) {
    files.insert(files.end(), shard.files.begin(), shard.files.end());
    for (const Slice& slice : shard.slices) files.push_back(slice.file);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

namespace {
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

// The 8 bytes at `bytes` as a little-endian word, on every host: digests must not depend on
// the machine's byte order. Compilers turn this into one load on little-endian targets.
std::uint64_t little_endian_word(const char* bytes) {
  std::uint64_t word = 0;
  for (int byte = 7; byte >= 0; --byte) {
    word = (word << 8) | static_cast<unsigned char>(bytes[byte]);
  }
  return word;
}
}  // namespace

std::uint64_t fnv1a64(std::string_view text) {
  return Fnv1a64().add(text).value();
}

Fnv1a64& Fnv1a64::add(std::string_view text) {
  for (const char c : text) {
    hash_ ^= static_cast<unsigned char>(c);
    hash_ *= kFnvPrime;
  }
  return *this;
}

Fnv1a64& Fnv1a64::add(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  for (int byte = 0; byte < 8; ++byte) {
    hash_ ^= (bits >> (8 * byte)) & 0xffU;
    hash_ *= kFnvPrime;
  }
  return *this;
}

WordHash64& WordHash64::add(std::string_view text) {
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    hash_ = (hash_ ^ little_endian_word(text.data() + i)) * kFnvPrime;
    hash_ ^= hash_ >> 29;
  }
  for (; i < text.size(); ++i) hash_ = (hash_ ^ static_cast<unsigned char>(text[i])) * kFnvPrime;
  hash_ = (hash_ ^ text.size()) * kFnvPrime;
  return *this;
}

WordHash64& WordHash64::add(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  hash_ = (hash_ ^ bits) * kFnvPrime;
  hash_ ^= hash_ >> 29;
  return *this;
}

std::uint64_t WordHash64::value() const {
  std::uint64_t h = hash_;  // MurmurHash3 fmix64
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

std::string digest_hex(std::uint64_t hash) {
  return fmt::format("fnv1a64:{:016x}", hash);
}
std::string word_digest_hex(std::uint64_t hash) {
  return fmt::format("wfnv64:{:016x}", hash);
}

std::string universe_digest(const std::vector<std::string>& sorted_files) {
  std::string joined;
  for (const std::string& file : sorted_files) {
    joined += file;
    joined += '\n';
  }
  return digest_hex(fnv1a64(joined));
}

int shard_for_unknown_file(std::string_view path, int shard_count) {
  if (shard_count <= 0) return 1;
  return static_cast<int>(fnv1a64(path) % static_cast<std::uint64_t>(shard_count)) + 1;
}

}  // namespace shardplan
