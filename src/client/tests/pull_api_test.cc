// The pull request a consumer sends and how it reads the answer (PullAPIWrapper's rules).

#include "client/pull_api.h"

#include <gtest/gtest.h>

#include "protocol/codes.h"
#include "protocol/headers_pull.h"
#include "protocol/message.h"
#include "protocol/properties.h"
#include "protocol/tag_hash.h"

namespace orbit::client {
namespace {

using protocol::RemotingCommand;

TEST(PullApiTest, SysFlagBits) {
  EXPECT_EQ(BuildPullSysFlag(false, false, false, false), 0);
  EXPECT_EQ(BuildPullSysFlag(true, true, false, false), 0x3);
  EXPECT_EQ(BuildPullSysFlag(false, true, true, false), 0x6);
  EXPECT_EQ(BuildPullSysFlag(true, true, true, true, true), 0x1F);
}

TEST(PullApiTest, SubscriptionFromTagExpressions) {
  auto all = BuildSubscription("T", "", 7);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->sub_string, "*");
  EXPECT_TRUE(all->tags_set.empty());
  EXPECT_EQ(all->sub_version, 7);
  EXPECT_EQ(BuildSubscription("T", "*", 7)->sub_string, "*");

  auto two = BuildSubscription("T", " TagA ||TagB||  || TagA", 9);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(two->sub_string, " TagA ||TagB||  || TagA");
  EXPECT_EQ(two->tags_set, (std::vector<std::string>{"TagA", "TagB"}));
  EXPECT_EQ(two->code_set,
            (std::vector<int32_t>{protocol::TagsHashCode("TagA"), protocol::TagsHashCode("TagB")}));
  EXPECT_EQ(two->expression_type, "TAG");

  auto none = BuildSubscription("T", "||", 1);
  EXPECT_EQ(none.status().code(), ErrorCode::kInvalidArgument);
  auto sql = BuildSubscription("T", "a > 1", 1, "SQL92");
  EXPECT_EQ(sql.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(sql.status().message().find("SQL92"), std::string::npos);
}

TEST(PullApiTest, RequestCarriesTheSpec) {
  PullRequestSpec spec;
  spec.consumer_group = "G";
  spec.queue = MessageQueue{"T", "broker-a", 3};
  spec.offset = 42;
  spec.max_nums = 32;
  spec.sys_flag = BuildPullSysFlag(true, true, true, false);
  spec.commit_offset = 40;
  spec.suspend_timeout_ms = 15000;
  spec.subscription = "TagA";
  spec.sub_version = 5;
  RemotingCommand req = BuildPullRequest(spec);
  EXPECT_EQ(req.code, protocol::RequestCode::kPullMessage);
  auto h = protocol::PullMessageRequestHeader::Decode(req.ext_fields);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->consumer_group, "G");
  EXPECT_EQ(h->topic, "T");
  EXPECT_EQ(h->queue_id, 3);
  EXPECT_EQ(h->queue_offset, 42);
  EXPECT_EQ(h->sys_flag, 0x7);
  EXPECT_EQ(h->commit_offset, 40);
  EXPECT_EQ(h->suspend_timeout_millis, 15000);
  EXPECT_EQ(h->subscription, "TagA");
  EXPECT_EQ(h->sub_version, 5);
  EXPECT_EQ(h->expression_type, "TAG");
  EXPECT_EQ(h->bname, "broker-a");

  spec.sys_flag = BuildPullSysFlag(false, true, false, false);
  auto without = protocol::PullMessageRequestHeader::Decode(BuildPullRequest(spec).ext_fields);
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(without->subscription.has_value()) << "only sent with the SUBSCRIPTION flag";
}

protocol::MessageRecord Record(int64_t queue_offset, const std::string& tags, std::string body) {
  protocol::MessageRecord r;
  r.topic = "T";
  r.queue_id = 3;
  r.queue_offset = queue_offset;
  r.physical_offset = 1000 + queue_offset * 200;
  r.born_host = protocol::HostAddress::IPv4(127, 0, 0, 1, 5000);
  r.store_host = protocol::HostAddress::IPv4(127, 0, 0, 1, 10911);
  r.born_timestamp = 1700000000000;
  r.store_timestamp = 1700000000001;
  r.body = std::move(body);
  if (!tags.empty()) r.properties.Set(protocol::kPropertyTags, tags);
  r.properties.Set(protocol::kPropertyUniqKey, "ID" + std::to_string(queue_offset));
  return r;
}

RemotingCommand Answer(int32_t code, std::vector<protocol::MessageRecord> records = {}) {
  RemotingCommand resp = RemotingCommand::ResponseTo(RemotingCommand{}, code);
  protocol::PullMessageResponseHeader h;
  h.next_begin_offset = 13;
  h.min_offset = 2;
  h.max_offset = 20;
  h.suggest_which_broker_id = 1;
  h.Encode(&resp.ext_fields);
  for (const auto& r : records) EXPECT_TRUE(protocol::EncodeRecord(r, &resp.body).ok());
  return resp;
}

TEST(PullApiTest, FoundMessagesAreDecodedAndFilteredByTheExactTag) {
  const MessageQueue mq{"T", "broker-a", 3};
  auto sub = BuildSubscription("T", "TagA || TagB", 1);
  ASSERT_TRUE(sub.ok());
  protocol::MessageRecord prepared = Record(13, "TagB", "tx");
  prepared.properties.Set(protocol::kPropertyTransactionPrepared, "true");
  RemotingCommand resp = Answer(
      protocol::ResponseCode::kSuccess,
      {Record(10, "TagA", "a"), Record(11, "TagC", "c"), Record(12, "", "untagged"), prepared});
  auto result = ProcessPullResponse(resp, mq, *sub);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->status, PullStatus::kFound);
  EXPECT_EQ(result->next_begin_offset, 13);
  EXPECT_EQ(result->min_offset, 2);
  EXPECT_EQ(result->max_offset, 20);
  EXPECT_EQ(result->suggest_which_broker_id, 1);
  ASSERT_EQ(result->messages.size(), 2u);
  const MessageExt& a = result->messages[0];
  EXPECT_EQ(a.body(), "a");
  EXPECT_EQ(a.queue_offset, 10);
  EXPECT_EQ(a.broker_name, "broker-a");
  EXPECT_EQ(a.msg_id, "ID10");
  EXPECT_EQ(a.GetProperty("MIN_OFFSET").value_or(""), "2");
  EXPECT_EQ(a.GetProperty("MAX_OFFSET").value_or(""), "20");
  EXPECT_TRUE(a.transaction_id.empty());
  EXPECT_EQ(result->messages[1].body(), "tx");
  EXPECT_EQ(result->messages[1].transaction_id, "ID13");

  // "*" keeps everything.
  auto all = ProcessPullResponse(resp, mq, *BuildSubscription("T", "*", 1));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->messages.size(), 4u);
}

TEST(PullApiTest, PullCodesAndErrors) {
  const MessageQueue mq{"T", "broker-a", 3};
  auto sub = *BuildSubscription("T", "*", 1);
  EXPECT_EQ(ProcessPullResponse(Answer(protocol::ResponseCode::kPullNotFound), mq, sub)->status,
            PullStatus::kNoNewMsg);
  EXPECT_EQ(
      ProcessPullResponse(Answer(protocol::ResponseCode::kPullRetryImmediately), mq, sub)->status,
      PullStatus::kNoMatchedMsg);
  auto moved = ProcessPullResponse(Answer(protocol::ResponseCode::kPullOffsetMoved), mq, sub);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->status, PullStatus::kOffsetIllegal);
  EXPECT_EQ(moved->next_begin_offset, 13);

  RemotingCommand refused = Answer(protocol::ResponseCode::kSubscriptionNotExist);
  refused.remark = "the consumer's subscription not exist";
  auto error = ProcessPullResponse(refused, mq, sub);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), ErrorCode::kRemote);
  EXPECT_EQ(error.status().remote_code(), protocol::ResponseCode::kSubscriptionNotExist);
  EXPECT_NE(error.status().message().find("subscription not exist"), std::string::npos);

  RemotingCommand torn = Answer(protocol::ResponseCode::kSuccess, {Record(1, "", "x")});
  torn.body.resize(torn.body.size() - 3);
  EXPECT_FALSE(ProcessPullResponse(torn, mq, sub).ok());
}

}  // namespace
}  // namespace orbit::client
