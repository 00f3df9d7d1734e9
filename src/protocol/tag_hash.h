#pragma once

// Tags hash code ("tagsCode"), kept in each consume-queue entry and in a subscription's
// codeSet: Java String.hashCode of the TAGS property, h = 31*h + c over the string's UTF-16
// code units (not its UTF-8 bytes), as int32; 0 for no tag. The 8-byte CQ field holds it
// sign-extended. Examples: "TagA" → 2598919, "TagB" → 2598920.

#include <cstdint>
#include <string_view>

namespace orbit::protocol {

// Hash of a UTF-8 string as Java computes it for the same text: code points above U+FFFF
// count as their two surrogates. Invalid UTF-8 (stray or truncated sequences, overlong forms,
// encoded surrogates, > U+10FFFF) never fails: each offending byte counts as one U+FFFD, which
// is what Java's decoder yields for a lone bad byte (for a truncated multi-byte sequence Java
// may emit a single U+FFFD where this emits one per byte).
int32_t TagsHashCode(std::string_view tags);

// The consume-queue value: TagsHashCode sign-extended to 64 bits (0 for an empty tag).
inline int64_t TagsCode(std::string_view tags) { return int64_t{TagsHashCode(tags)}; }

}  // namespace orbit::protocol
