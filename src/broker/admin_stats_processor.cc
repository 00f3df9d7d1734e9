#include "broker/admin_stats_processor.h"

#include <set>

#include "base/log.h"
#include "broker/broker.h"
#include "broker/reply.h"
#include "broker/runtime_stats.h"
#include "broker/schedule_message_service.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

// Apache's UtilAll.getDiskPartitionSpaceUsedPercent: used share of the partition holding `path`,
// rounded up to whole percent, as a fraction ("0.22"); -1 when the path cannot be examined.
double DiskUsedRatio(store::FileSystem& fs, const std::string& path) {
  auto space = fs.Space(path);
  if (!space.ok() || space->total_bytes == 0) return -1;
  uint64_t used = space->total_bytes - std::min(space->available_bytes, space->total_bytes);
  uint64_t percent = (used * 100 + space->total_bytes - 1) / space->total_bytes;
  return double(percent) / 100.0;
}

}  // namespace

void AdminStatsProcessor::Register(net::RemotingServer& server) {
  RegisterMethods<AdminStatsProcessor>(
      server, this,
      {
          {RequestCode::kGetBrokerRuntimeInfo, &AdminStatsProcessor::GetBrokerRuntimeInfo},
          {RequestCode::kGetTopicStatsInfo, &AdminStatsProcessor::GetTopicStatsInfo},
          {RequestCode::kGetConsumeStats, &AdminStatsProcessor::GetConsumeStats},
          {RequestCode::kQueryTopicConsumeByWho, &AdminStatsProcessor::QueryTopicConsumeByWho},
          {RequestCode::kGetAllSubscriptiongroupConfig,
           &AdminStatsProcessor::GetAllSubscriptionGroupConfig},
          {RequestCode::kGetAllConsumerOffset, &AdminStatsProcessor::GetAllConsumerOffset},
          {RequestCode::kGetAllDelayOffset, &AdminStatsProcessor::GetAllDelayOffset},
          {RequestCode::kCleanUnusedTopic, &AdminStatsProcessor::CleanUnusedTopic},
      });
}

std::map<std::string, std::string> AdminStatsProcessor::RuntimeInfo() const {
  store::MessageStore& store = broker_.store();
  const RuntimeStats& rt = broker_.runtime_stats();
  const store::StoreStats stats = store.stats();
  const int64_t now = broker_.clock().NowMillis();
  std::map<std::string, std::string> t;
  // Broker (AdminBrokerProcessor.prepareRuntimeInfo).
  t["brokerVersionDesc"] = "V4_9_8";
  t["brokerVersion"] = std::to_string(protocol::kOrbitVersion);
  const RuntimeStats::DailyTotals daily = rt.daily();
  t["msgPutTotalYesterdayMorning"] = std::to_string(daily.put_yesterday_morning);
  t["msgPutTotalTodayMorning"] = std::to_string(daily.put_today_morning);
  t["msgPutTotalTodayNow"] = std::to_string(stats.put_messages);
  t["msgGetTotalYesterdayMorning"] = std::to_string(daily.get_yesterday_morning);
  t["msgGetTotalTodayMorning"] = std::to_string(daily.get_today_morning);
  t["msgGetTotalTodayNow"] = std::to_string(stats.get_transferred);
  for (const char* pool : {"send", "pull", "query"}) {
    t[std::string(pool) + "ThreadPoolQueueSize"] = "0";
    t[std::string(pool) + "ThreadPoolQueueHeadWaitTimeMills"] = "0";
  }
  t["dispatchBehindBytes"] = std::to_string(store.DispatchBehindBytes());
  t["earliestMessageTimeStamp"] = std::to_string(store.GetEarliestMessageTime());
  t["startAcceptSendRequestTimeStamp"] =
      std::to_string(broker_.config().start_accept_send_request_time_stamp);
  t["remainHowManyDataToFlush"] =
      HumanReadableByteCount(store.GetMaxPhyOffset() - store.FlushedPhyOffset());
  const std::string& root = store.config().store_path_root_dir;
  if (auto space = store.fs().Space(root); space.ok()) {
    t["commitLogDirCapacity"] =
        "Total : " + HumanReadableByteCount(int64_t(space->total_bytes)) +
        ", Free : " + HumanReadableByteCount(int64_t(space->available_bytes)) + ".";
  }
  // Store (DefaultMessageStore.getRuntimeInfo, StoreStatsService.getRuntimeInfo).
  t["bootTimestamp"] = std::to_string(rt.boot_ms());
  t["runtime"] = FormatRuntime(now - rt.boot_ms());
  t["putMessageTimesTotal"] = std::to_string(stats.put_messages);
  t["putMessageFailedTimes"] = std::to_string(stats.put_failures);
  t["putMessageSizeTotal"] = std::to_string(stats.put_bytes);
  t["putMessageAverageSize"] =
      JavaDoubleString(double(stats.put_bytes) / double(std::max<int64_t>(stats.put_messages, 1)));
  t["putTps"] = rt.PutTps();
  t["getFoundTps"] = rt.GetFoundTps();
  t["getMissTps"] = rt.GetMissTps();
  t["getTotalTps"] = rt.GetTotalTps();
  t["getTransferedTps"] = rt.GetTransferedTps();
  const std::string commit_log_dir = store.config().CommitLogDir();
  const std::string ratio = JavaDoubleString(DiskUsedRatio(store.fs(), commit_log_dir));
  t["commitLogDiskRatio"] = ratio;
  t["commitLogDiskRatio_" + commit_log_dir] = ratio;
  t["consumeQueueDiskRatio"] =
      JavaDoubleString(DiskUsedRatio(store.fs(), store.config().ConsumeQueueDir()));
  t["commitLogMinOffset"] = std::to_string(store.GetMinPhyOffset());
  t["commitLogMaxOffset"] = std::to_string(store.GetMaxPhyOffset());
  return t;
}

void AdminStatsProcessor::GetBrokerRuntimeInfo(const net::ConnectionPtr& conn,
                                               RemotingCommand req) {
  protocol::KVTable table;
  table.table = RuntimeInfo();
  ReplyBody(conn, req, table.Encode());
}

void AdminStatsProcessor::GetTopicStatsInfo(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetTopicStatsInfoRequestHeader>(conn, req);
  if (!h) return;
  auto topic = broker_.topics().Find(h->topic);
  if (!topic) {
    return ReplyCode(conn, req, ResponseCode::kTopicNotExist, "topic[" + h->topic + "] not exist");
  }
  store::MessageStore& store = broker_.store();
  protocol::TopicStatsTable table;
  for (int32_t i = 0; i < topic->write_queue_nums; ++i) {
    protocol::MessageQueue mq{h->topic, broker_.config().broker_name, i};
    protocol::TopicOffset off;
    off.min_offset = std::max<int64_t>(store.GetMinOffsetInQueue(h->topic, i), 0);
    off.max_offset = std::max<int64_t>(store.GetMaxOffsetInQueue(h->topic, i), 0);
    if (off.max_offset > 0) {
      off.last_update_timestamp = store.GetMessageStoreTimestamp(h->topic, i, off.max_offset - 1);
    }
    table.offset_table.emplace(std::move(mq), off);
  }
  ReplyBody(conn, req, table.Encode());
}

void AdminStatsProcessor::GetConsumeStats(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetConsumeStatsRequestHeader>(conn, req);
  if (!h) return;
  const std::string& group = h->consumer_group;
  std::set<std::string> topics;
  if (!h->topic || h->topic->find_first_not_of(" \t\r\n") == std::string::npos) {
    topics = broker_.offsets().TopicsOfGroup(group);
  } else {
    topics.insert(*h->topic);
  }
  auto online = broker_.consumers().FindGroup(group);
  store::MessageStore& store = broker_.store();
  protocol::ConsumeStats stats;
  for (const std::string& topic : topics) {
    auto tc = broker_.topics().Find(topic);
    if (!tc) {
      ORBIT_LOG_WARN("consumeStats, topic config not exist, {}", topic);
      continue;
    }
    // An online group that does not subscribe to the topic (any more) is not reported on it.
    if (online && !online->subscriptions.empty() && online->subscriptions.count(topic) == 0) {
      continue;
    }
    for (int32_t i = 0; i < tc->read_queue_nums; ++i) {
      protocol::OffsetWrapper w;
      w.broker_offset = std::max<int64_t>(store.GetMaxOffsetInQueue(topic, i), 0);
      w.consumer_offset = std::max<int64_t>(broker_.offsets().Query(group, topic, i), 0);
      if (w.consumer_offset > 0) {
        int64_t last = store.GetMessageStoreTimestamp(topic, i, w.consumer_offset - 1);
        if (last > 0) w.last_timestamp = last;
      }
      stats.offset_table.emplace(protocol::MessageQueue{topic, broker_.config().broker_name, i}, w);
    }
  }
  ReplyBody(conn, req, stats.Encode());
}

void AdminStatsProcessor::QueryTopicConsumeByWho(const net::ConnectionPtr& conn,
                                                 RemotingCommand req) {
  auto h = DecodeOrReply<protocol::QueryTopicConsumeByWhoRequestHeader>(conn, req);
  if (!h) return;
  std::set<std::string> groups;
  for (auto& g : broker_.consumers().GroupsOfTopic(h->topic)) groups.insert(std::move(g));
  for (const auto& g : broker_.offsets().GroupsOfTopic(h->topic)) groups.insert(g);
  protocol::GroupList list;
  list.group_list.assign(groups.begin(), groups.end());
  ReplyBody(conn, req, list.Encode());
}

void AdminStatsProcessor::GetAllSubscriptionGroupConfig(const net::ConnectionPtr& conn,
                                                        RemotingCommand req) {
  ReplyBody(conn, req, broker_.groups().Snapshot().Encode());
}

void AdminStatsProcessor::GetAllConsumerOffset(const net::ConnectionPtr& conn,
                                               RemotingCommand req) {
  ReplyBody(conn, req, broker_.offsets().Snapshot().Encode());
}

void AdminStatsProcessor::GetAllDelayOffset(const net::ConnectionPtr& conn, RemotingCommand req) {
  ReplyBody(conn, req, broker_.schedule().Snapshot().Encode());
}

void AdminStatsProcessor::CleanUnusedTopic(const net::ConnectionPtr& conn, RemotingCommand req) {
  std::vector<std::string> unused;
  for (const auto& [topic, queues] : broker_.store().ConsumeQueueTopics()) {
    // Apache keeps the schedule and transaction-op topics, which live without a topic config.
    if (topic == kScheduleTopic || topic == kTransOpHalfTopic) continue;
    if (!broker_.topics().Find(topic)) unused.push_back(topic);
  }
  if (!unused.empty()) {
    ORBIT_LOG_WARN("cleanUnusedTopic: removing the consume queues of {} topic(s)", unused.size());
    if (Status st = broker_.store().DeleteTopics(unused); !st.ok()) {
      return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
    }
  }
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

}  // namespace orbit::broker
