#include "base/status.h"

#include <gtest/gtest.h>

namespace orbit {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return InvalidArgument("not positive");
  return v;
}

Result<int> Doubled(int v) {
  ORBIT_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return x * 2;
}

Status CheckBoth(int a, int b) {
  ORBIT_RETURN_IF_ERROR(ParsePositive(a).status());
  ORBIT_RETURN_IF_ERROR(ParsePositive(b).status());
  return Status::Ok();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status().ok());
  Status s = MissingField("topic");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kMissingField);
  EXPECT_EQ(s.ToString(), "MissingField: missing required field 'topic'");
  EXPECT_FALSE(s.retriable());
  EXPECT_TRUE(Status(ErrorCode::kTimeout, "t").retriable());
}

TEST(StatusTest, RemoteCarriesResponseCode) {
  Status s = Status::Remote(17, "topic not exist");
  EXPECT_EQ(s.code(), ErrorCode::kRemote);
  EXPECT_EQ(s.remote_code(), 17);
  EXPECT_EQ(s.ToString(), "Remote(17): topic not exist");
}

TEST(StatusTest, ResultPropagation) {
  auto ok = Doubled(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 8);
  auto bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(CheckBoth(1, 2).ok());
  EXPECT_EQ(CheckBoth(1, 0).code(), ErrorCode::kInvalidArgument);
}

TEST(StatusTest, EveryCodeHasNameAndDescription) {
#define ORBIT_X_CHECK(name, value, retriable, desc)          \
  EXPECT_STREQ(ErrorCodeName(ErrorCode::name), #name);       \
  EXPECT_STREQ(ErrorCodeDescription(ErrorCode::name), desc); \
  EXPECT_EQ(IsRetriable(ErrorCode::name), retriable);
  ORBIT_ERROR_CODES(ORBIT_X_CHECK)
#undef ORBIT_X_CHECK
}

}  // namespace
}  // namespace orbit
