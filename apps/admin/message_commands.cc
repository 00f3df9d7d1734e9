// Message commands of orbit-admin: queryMsgById, queryMsgByKey, queryMsgByUniqueKey,
// queryMsgByOffset, printMsg, consumeMessage, sendMessage (Apache's tools/command/message). The
// pulling commands use a pull consumer of group TOOLS_CONSUMER, as Apache's tool does; they read
// and never commit offsets.

#include <fmt/format.h>

#include <algorithm>

#include "apps/admin/command.h"

namespace orbit::admin {
namespace {

constexpr const char* kToolsConsumerGroup = "TOOLS_CONSUMER";
constexpr int32_t kPullBatch = 32;

std::vector<std::string> SplitIds(const std::string& ids) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= ids.size()) {
    size_t end = ids.find(',', start);
    if (end == std::string::npos) end = ids.size();
    std::string id = ids.substr(start, end - start);
    id.erase(0, id.find_first_not_of(" \t"));
    id.erase(id.find_last_not_of(" \t") + 1);
    if (!id.empty()) out.push_back(id);
    start = end + 1;
  }
  return out;
}

// Prints `messages` in detail, or as one JSON array.
void PrintDetails(const std::vector<MessageExt>& messages, Output& out) {
  if (out.json()) {
    Json list = Json::Array();
    for (const auto& m : messages) list.Push(MessageJson(m, true));
    out.Emit(list);
    return;
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i > 0) out.Line("");
    PrintMessageDetail(messages[i], out);
  }
}

// ---- Pushing a stored message to one consumer (-g/-d of queryMsgById, queryMsgByUniqueKey)

// As Java's ConsumeMessageDirectlyResult.toString() (an unset remark is Java's null).
std::string DirectResultText(const ConsumeDirectlyResult& r) {
  return fmt::format(
      "ConsumeMessageDirectlyResult [order={}, autoCommit={}, consumeResult={}, remark={}, "
      "spentTimeMills={}]",
      r.order, r.auto_commit, r.result.empty() ? "null" : r.result,
      r.remark.empty() ? "null" : r.remark, r.spent_time_ms);
}

Json DirectResultJson(const std::string& msg_id, const ConsumeDirectlyResult& r) {
  return Json::Object()
      .Set("msgId", msg_id)
      .Set("order", r.order)
      .Set("autoCommit", r.auto_commit)
      .Set("consumeResult", r.result)
      .Set("remark", r.remark)
      .Set("spentTimeMills", r.spent_time_ms);
}

// Apache's pushMsg: the client must be a push consumer (its running info says so); the broker
// that stores `msg` hands it to the client's listener.
Result<ConsumeDirectlyResult> PushToConsumer(AdminClient& admin, const std::string& group,
                                             const std::string& client_id, const MessageExt& msg) {
  auto info = admin.GetConsumerRunningInfo(group, client_id);
  if (!info.ok()) return Explain(info.status(), "client " + client_id + " of group " + group);
  if (!info->IsPushType()) {
    return InvalidArgument("client " + client_id +
                           " is not a push consumer: it cannot consume a message directly");
  }
  auto result = admin.ConsumeMessageDirectly(group, client_id, msg.offset_msg_id);
  if (!result.ok()) {
    return Explain(result.status(), "pushing message " + msg.offset_msg_id + " to " + client_id);
  }
  return result;
}

std::string CheckGroupAndClient(const std::string& group, const std::string& client_id) {
  if (group.empty() != client_id.empty()) {
    return "-g/--consumerGroup and -d/--clientId go together (push the message to that client)";
  }
  return "";
}

// ---- queryMsgById

struct QueryByIdOptions {
  std::string ids;
  std::string topic;
  std::string group;
  std::string client_id;
  std::string resend;
  std::string unit_name;
  std::string body_format;
};

void AddQueryById(CLI::App* cmd, QueryByIdOptions* o) {
  cmd->add_option("-i,--msgId", o->ids, "offset message ids (the broker's id), separated by commas")
      ->required();
  cmd->add_option("-t,--topic", o->topic,
                  "topic: also look the ids up as producer (unique) ids in it");
  cmd->add_option("-g,--consumerGroup", o->group,
                  "with -d: push the message to that consumer of this group");
  cmd->add_option("-d,--clientId", o->client_id,
                  "with -g: the client id (as consumerConnection lists it) to push to");
  cmd->add_option("-s,--sendMessage", o->resend, "resend the message (unsupported)");
  cmd->add_option("-u,--unitName", o->unit_name, "unit name of the resending producer");
  cmd->add_option("-f,--bodyFormat", o->body_format, "charset of the body (printed as is)");
}

std::string CheckQueryById(const QueryByIdOptions& o) {
  if (SplitIds(o.ids).empty()) return "-i/--msgId is empty";
  return CheckGroupAndClient(o.group, o.client_id);
}

// The message of an offset message id, or of a producer's id in `topic` when one is given.
Result<MessageExt> FindById(AdminClient& admin, const std::string& id, const std::string& topic) {
  auto msg = admin.ViewMessage(id);
  if (msg.ok()) return msg;
  if (msg.status().code() != ErrorCode::kInvalidArgument) {
    return Explain(msg.status(), "message " + id);
  }
  if (topic.empty()) {
    return InvalidArgument(id +
                           " is not an offset message id; give -t TOPIC to look it up as a "
                           "producer's message id (or use queryMsgByUniqueKey)");
  }
  auto by_key = admin.QueryMessageByUniqueKey(topic, id);
  if (!by_key.ok()) return Explain(by_key.status(), "message " + id + " in topic " + topic);
  return std::move(by_key->front());
}

Status RunQueryById(const CommonOptions& common, const QueryByIdOptions& o, Output& out) {
  const bool push = !o.group.empty();
  if (!push && !o.resend.empty() && o.resend != "false") {
    return Unsupported("resending a message (-s) is not supported by orbit-admin");
  }
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  std::vector<MessageExt> found;
  Json results = Json::Array();
  for (const std::string& id : SplitIds(o.ids)) {
    ORBIT_ASSIGN_OR_RETURN(MessageExt msg, FindById(*admin, id, o.topic));
    if (!push) {
      found.push_back(std::move(msg));
      continue;
    }
    ORBIT_ASSIGN_OR_RETURN(ConsumeDirectlyResult result,
                           PushToConsumer(*admin, o.group, o.client_id, msg));
    if (out.json()) {
      results.Push(DirectResultJson(id, result));
    } else {
      out.Line(DirectResultText(result));
    }
  }
  if (push) {
    if (out.json()) out.Emit(results);
    return Status::Ok();
  }
  PrintDetails(found, out);
  return Status::Ok();
}

// ---- queryMsgByKey

struct QueryByKeyOptions {
  std::string topic;
  std::string key;
  std::string begin;
  std::string end;
  int32_t max_num = 64;
};

void AddQueryByKey(CLI::App* cmd, QueryByKeyOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-k,--msgKey", o->key, "message key")->required();
  cmd->add_option("-b,--beginTimestamp", o->begin,
                  "stored at or after (ms or yyyy-MM-dd#HH:mm:ss:SSS; default: the beginning)");
  cmd->add_option("-e,--endTimestamp", o->end, "stored at or before (default: now)");
  cmd->add_option("-m,--maxNum", o->max_num, "at most this many per broker")
      ->capture_default_str()
      ->check(CLI::Range(1, 64 * 1024));
}

Status RunQueryByKey(const CommonOptions& common, const QueryByKeyOptions& o, Output& out) {
  int64_t begin = 0;
  int64_t end = std::numeric_limits<int64_t>::max();
  if (!o.begin.empty()) {
    ORBIT_ASSIGN_OR_RETURN(begin, ParseTimestamp(o.begin));
  }
  if (!o.end.empty()) {
    ORBIT_ASSIGN_OR_RETURN(end, ParseTimestamp(o.end));
  }
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto messages = admin->QueryMessageByKey(o.topic, o.key, o.max_num, begin, end);
  if (!messages.ok()) {
    return Explain(messages.status(), "messages with key " + o.key + " in topic " + o.topic);
  }
  if (out.json()) {
    Json list = Json::Array();
    for (const auto& m : *messages) list.Push(MessageJson(m, true));
    out.Emit(list);
    return Status::Ok();
  }
  Table table({"#Message ID", "#QID", "#Offset"});
  for (const auto& m : *messages) {
    table.AddRow({m.msg_id, std::to_string(m.queue_id), std::to_string(m.queue_offset)});
  }
  out.Print(table);
  return Status::Ok();
}

// ---- queryMsgByUniqueKey

struct QueryByUniqueKeyOptions {
  std::string id;
  std::string topic;
  std::string group;
  std::string client_id;
  bool show_all = false;
};

void AddQueryByUniqueKey(CLI::App* cmd, QueryByUniqueKeyOptions* o) {
  cmd->add_option("-i,--msgId", o->id, "the producer's message id (UNIQ_KEY)")->required();
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-g,--consumerGroup", o->group,
                  "with -d: push the message to that consumer of this group");
  cmd->add_option("-d,--clientId", o->client_id,
                  "with -g: the client id (as consumerConnection lists it) to push to");
  AddBool(cmd, "-a,--showAll", &o->show_all, "every stored copy, not only the first");
}

std::string CheckQueryByUniqueKey(const QueryByUniqueKeyOptions& o) {
  return CheckGroupAndClient(o.group, o.client_id);
}

Status RunQueryByUniqueKey(const CommonOptions& common, const QueryByUniqueKeyOptions& o,
                           Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto messages = admin->QueryMessageByUniqueKey(o.topic, o.id);
  if (!messages.ok()) return Explain(messages.status(), "message " + o.id + " in topic " + o.topic);
  if (!o.group.empty()) {
    // Java's consumeMessageDirectly(group, clientId, topic, msgId): the first copy found.
    ORBIT_ASSIGN_OR_RETURN(ConsumeDirectlyResult result,
                           PushToConsumer(*admin, o.group, o.client_id, messages->front()));
    if (out.json()) {
      out.Emit(DirectResultJson(o.id, result));
    } else {
      out.Line(DirectResultText(result));
    }
    return Status::Ok();
  }
  if (!o.show_all && messages->size() > 1) messages->resize(1);
  PrintDetails(*messages, out);
  return Status::Ok();
}

// ---- queryMsgByOffset

struct QueryByOffsetOptions {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;
  int64_t offset = 0;
};

void AddQueryByOffset(CLI::App* cmd, QueryByOffsetOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-b,--brokerName", o->broker_name, "broker name")->required();
  cmd->add_option("-i,--queueId", o->queue_id, "queue id")->required();
  cmd->add_option("-o,--offset", o->offset, "queue offset")->required();
}

Status RunQueryByOffset(const CommonOptions& common, const QueryByOffsetOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto consumer, StartPullConsumer(common, kToolsConsumerGroup));
  const MessageQueue mq{o.topic, o.broker_name, o.queue_id};
  auto pulled = consumer->Pull(mq, "*", o.offset, 1);
  if (!pulled.ok()) return Explain(pulled.status(), "pulling " + mq.ToString());
  if (pulled->status != PullStatus::kFound || pulled->messages.empty()) {
    return NotFound(fmt::format(
        "no message at offset {} of {} (pull status {}, queue offsets {}..{})", o.offset,
        mq.ToString(), PullStatusName(pulled->status), pulled->min_offset, pulled->max_offset));
  }
  pulled->messages.resize(1);
  PrintDetails(pulled->messages, out);
  return Status::Ok();
}

// ---- printMsg and consumeMessage: reading queues

struct QueueRange {
  MessageQueue mq;
  int64_t from = 0;
  int64_t to = 0;  // exclusive
};

Json RangeJson(const QueueRange& r) {
  return Json::Object()
      .Set("brokerName", r.mq.broker_name)
      .Set("queueId", r.mq.queue_id)
      .Set("minOffset", r.from)
      .Set("maxOffset", r.to);
}

// The messages of r.mq in [r.from, r.to) matching `expression`, at most `limit`, printed as they
// come (or added to `messages` for --json). Returns how many were printed.
Result<int64_t> DumpQueue(PullConsumer& consumer, const QueueRange& r,
                          const std::string& expression, int64_t limit, bool with_body, Output& out,
                          Json* messages) {
  int64_t printed = 0;
  for (int64_t offset = r.from; offset < r.to && printed < limit;) {
    const int32_t batch = static_cast<int32_t>(std::min<int64_t>(kPullBatch, r.to - offset));
    auto pulled = consumer.Pull(r.mq, expression, offset, batch);
    if (!pulled.ok()) return Explain(pulled.status(), "pulling " + r.mq.ToString());
    const PullStatus status = pulled->status;
    if (status == PullStatus::kFound) {
      for (const MessageExt& m : pulled->messages) {
        if (m.queue_offset >= r.to || printed >= limit) break;
        ++printed;
        if (out.json()) {
          messages->Push(MessageJson(m, with_body));
        } else {
          out.Line(MessageLine(m, with_body));
        }
      }
    } else if (!out.json()) {
      out.Line(
          fmt::format("{} {}. status={}, offset={}", r.mq.ToString(),
                      status == PullStatus::kNoMatchedMsg ? "no matched msg" : "print msg finished",
                      PullStatusName(status), pulled->next_begin_offset));
    }
    if (status == PullStatus::kNoNewMsg || status == PullStatus::kOffsetIllegal) break;
    if (pulled->next_begin_offset <= offset) break;  // no progress: stop rather than spin
    offset = pulled->next_begin_offset;
  }
  return printed;
}

// The topic's queues in order (broker name, queue id).
Result<std::vector<MessageQueue>> TopicQueues(PullConsumer& consumer, const std::string& topic) {
  auto queues = consumer.FetchSubscribeMessageQueues(topic);
  if (!queues.ok()) return Explain(queues.status(), "queues of topic " + topic);
  std::sort(queues->begin(), queues->end());
  return queues;
}

// [min, max) of `mq`, narrowed to the store times [begin, end] when they are given (> 0).
Result<QueueRange> RangeOf(PullConsumer& consumer, const MessageQueue& mq, int64_t begin,
                           int64_t end) {
  QueueRange r{mq, 0, 0};
  auto min = begin > 0 ? consumer.SearchOffset(mq, begin) : consumer.MinOffset(mq);
  if (!min.ok()) return Explain(min.status(), "offsets of " + mq.ToString());
  auto max = end > 0 ? consumer.SearchOffset(mq, end) : consumer.MaxOffset(mq);
  if (!max.ok()) return Explain(max.status(), "offsets of " + mq.ToString());
  r.from = *min;
  r.to = *max;
  return r;
}

struct PrintMsgOptions {
  std::string topic;
  std::string charset = "UTF-8";
  std::string expression = "*";
  std::string begin;
  std::string end;
  bool print_body = true;
};

void AddPrintMsg(CLI::App* cmd, PrintMsgOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-c,--charsetName", o->charset, "charset of the bodies (printed as is)")
      ->capture_default_str();
  cmd->add_option("-s,--subExpression", o->expression, "tag expression, e.g. TagA || TagB")
      ->capture_default_str();
  cmd->add_option("-b,--beginTimestamp", o->begin,
                  "from this store time (ms or yyyy-MM-dd#HH:mm:ss:SSS; default: each queue's "
                  "first message)");
  cmd->add_option("-e,--endTimestamp", o->end, "to this store time (default: each queue's end)");
  AddBool(cmd, "-d,--printBody", &o->print_body, "print the bodies (default true)");
}

Status RunPrintMsg(const CommonOptions& common, const PrintMsgOptions& o, Output& out) {
  int64_t begin = 0;
  int64_t end = 0;
  if (!o.begin.empty()) {
    ORBIT_ASSIGN_OR_RETURN(begin, ParseTimestamp(o.begin));
  }
  if (!o.end.empty()) {
    ORBIT_ASSIGN_OR_RETURN(end, ParseTimestamp(o.end));
  }
  ORBIT_ASSIGN_OR_RETURN(auto consumer, StartPullConsumer(common, kToolsConsumerGroup));
  ORBIT_ASSIGN_OR_RETURN(auto queues, TopicQueues(*consumer, o.topic));
  Json ranges = Json::Array();
  Json messages = Json::Array();
  for (const MessageQueue& mq : queues) {
    ORBIT_ASSIGN_OR_RETURN(QueueRange r, RangeOf(*consumer, mq, begin, end));
    ranges.Push(RangeJson(r));
    if (!out.json()) {
      out.Line(fmt::format("minOffset={}, maxOffset={}, {}", r.from, r.to, mq.ToString()));
    }
    auto printed = DumpQueue(*consumer, r, o.expression, std::numeric_limits<int64_t>::max(),
                             o.print_body, out, &messages);
    if (!printed.ok()) return printed.status();
    if (!out.json()) out.Line("--------------------------------------------------------");
  }
  if (out.json()) {
    out.Emit(Json::Object()
                 .Set("topic", o.topic)
                 .Set("queues", std::move(ranges))
                 .Set("messages", std::move(messages)));
  }
  return Status::Ok();
}

struct ConsumeMessageOptions {
  std::string topic;
  std::string broker_name;
  std::optional<int32_t> queue_id;
  std::optional<int64_t> offset;
  std::string group = kToolsConsumerGroup;
  std::string begin;
  std::string end;
  int64_t count = 128;
};

void AddConsumeMessage(CLI::App* cmd, ConsumeMessageOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-b,--brokerName", o->broker_name, "only this broker's queue (with -i)");
  cmd->add_option("-i,--queueId", o->queue_id, "only this queue (needs -b)");
  cmd->add_option("-o,--offset", o->offset, "from this offset (needs -i)");
  cmd->add_option("-g,--consumerGroup", o->group, "group of the pull consumer")
      ->capture_default_str();
  cmd->add_option("-s,--beginTimestamp", o->begin,
                  "from this store time (ms or yyyy-MM-dd#HH:mm:ss:SSS)");
  cmd->add_option("-e,--endTimestamp", o->end, "to this store time");
  cmd->add_option("-c,--MessageNumber", o->count, "at most this many messages")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
}

std::string CheckConsumeMessage(const ConsumeMessageOptions& o) {
  if (o.queue_id && o.broker_name.empty()) return "-i/--queueId needs -b/--brokerName";
  if (o.offset && !o.queue_id) return "-o/--offset needs -i/--queueId";
  return "";
}

Status RunConsumeMessage(const CommonOptions& common, const ConsumeMessageOptions& o, Output& out) {
  int64_t begin = 0;
  int64_t end = 0;
  if (!o.begin.empty()) {
    ORBIT_ASSIGN_OR_RETURN(begin, ParseTimestamp(o.begin));
  }
  if (!o.end.empty()) {
    ORBIT_ASSIGN_OR_RETURN(end, ParseTimestamp(o.end));
  }
  ORBIT_ASSIGN_OR_RETURN(auto consumer, StartPullConsumer(common, o.group));
  std::vector<MessageQueue> queues;
  if (o.queue_id) {
    queues.push_back(MessageQueue{o.topic, o.broker_name, *o.queue_id});
  } else {
    ORBIT_ASSIGN_OR_RETURN(queues, TopicQueues(*consumer, o.topic));
    if (!o.broker_name.empty()) {
      std::erase_if(queues, [&](const MessageQueue& q) { return q.broker_name != o.broker_name; });
    }
  }
  Json ranges = Json::Array();
  Json messages = Json::Array();
  int64_t left = o.count;
  for (const MessageQueue& mq : queues) {
    if (left <= 0) break;
    ORBIT_ASSIGN_OR_RETURN(QueueRange r, RangeOf(*consumer, mq, begin, end));
    if (o.offset) r.from = std::max(r.from, *o.offset);
    ranges.Push(RangeJson(r));
    if (r.from >= r.to) {
      if (!out.json()) out.Line(fmt::format("{} no matched msg, offset={}", mq.ToString(), r.from));
      continue;
    }
    if (!out.json()) out.Line("Consume ok");
    ORBIT_ASSIGN_OR_RETURN(int64_t printed,
                           DumpQueue(*consumer, r, "*", left, true, out, &messages));
    left -= printed;
  }
  if (out.json()) {
    out.Emit(Json::Object()
                 .Set("topic", o.topic)
                 .Set("queues", std::move(ranges))
                 .Set("messages", std::move(messages)));
  } else {
    out.Line(fmt::format("Consumed {} message(s)", o.count - left));
  }
  return Status::Ok();
}

// ---- sendMessage

struct SendMessageOptions {
  std::string topic;
  std::string body;
  std::string keys;
  std::string tags;
  std::string broker_name;
  std::optional<int32_t> queue_id;
  bool trace = false;
};

void AddSendMessage(CLI::App* cmd, SendMessageOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-p,--body", o->body, "message body (UTF-8 text)")->required();
  cmd->add_option("-k,--key", o->keys, "message keys, separated by spaces");
  cmd->add_option("-c,--tags", o->tags, "message tag");
  cmd->add_option("-b,--broker", o->broker_name, "send to this broker (with -i)");
  cmd->add_option("-i,--qid", o->queue_id, "send to this queue (needs -b)");
  AddBool(cmd, "-m,--msgTraceEnable", &o->trace, "message trace (not supported)");
}

std::string CheckSendMessage(const SendMessageOptions& o) {
  if (o.queue_id && o.broker_name.empty()) return "-i/--qid needs -b/--broker";
  if (o.trace) return "-m/--msgTraceEnable: message trace is not supported by orbit-admin";
  return "";
}

Status RunSendMessage(const CommonOptions& common, const SendMessageOptions& o, Output& out) {
  ProducerConfig config;
  ORBIT_RETURN_IF_ERROR(ConfigureClient(common, &config));
  config.group = fmt::format("orbit_admin_{}", NowMs());
  config.send_msg_timeout_ms = common.timeout_ms;
  Producer producer(config);
  ORBIT_RETURN_IF_ERROR(Explain(producer.Start(), "starting the producer"));
  Message msg(o.topic, o.tags, o.keys, o.body);
  auto sent = o.queue_id ? producer.Send(msg, MessageQueue{o.topic, o.broker_name, *o.queue_id})
                         : producer.Send(msg);
  producer.Shutdown();
  if (!sent.ok()) return Explain(sent.status(), "sending to topic " + o.topic);
  if (out.json()) {
    out.Emit(Json::Object()
                 .Set("brokerName", sent->queue.broker_name)
                 .Set("queueId", sent->queue.queue_id)
                 .Set("sendStatus", SendStatusName(sent->status))
                 .Set("msgId", sent->msg_id)
                 .Set("offsetMsgId", sent->offset_msg_id)
                 .Set("queueOffset", sent->queue_offset));
    return Status::Ok();
  }
  Table table({"#Broker Name", "#QID", "#Send Result", "#MsgId", "#OffsetMsgId"});
  table.AddRow({sent->queue.broker_name, std::to_string(sent->queue.queue_id),
                SendStatusName(sent->status), sent->msg_id, sent->offset_msg_id});
  out.Print(table);
  return Status::Ok();
}

}  // namespace

void AddMessageCommands(std::vector<Command>* commands) {
  commands->push_back(MakeCommand<QueryByIdOptions>(
      "queryMsgById", "Show a message by its offset message id, or push it to a consumer (-g/-d)",
      AddQueryById, RunQueryById, CheckQueryById));
  commands->push_back(MakeCommand<QueryByKeyOptions>(
      "queryMsgByKey", "List the messages of a topic with a key", AddQueryByKey, RunQueryByKey));
  commands->push_back(MakeCommand<QueryByUniqueKeyOptions>(
      "queryMsgByUniqueKey",
      "Show a message by the id its producer reported, or push it to a consumer (-g/-d)",
      AddQueryByUniqueKey, RunQueryByUniqueKey, CheckQueryByUniqueKey));
  commands->push_back(MakeCommand<QueryByOffsetOptions>("queryMsgByOffset",
                                                        "Show the message at an offset of a queue",
                                                        AddQueryByOffset, RunQueryByOffset));
  commands->push_back(MakeCommand<PrintMsgOptions>(
      "printMsg", "Print a topic's messages, optionally within a store-time range", AddPrintMsg,
      RunPrintMsg));
  commands->push_back(MakeCommand<ConsumeMessageOptions>(
      "consumeMessage", "Read messages of a topic, a queue or from an offset (nothing committed)",
      AddConsumeMessage, RunConsumeMessage, CheckConsumeMessage));
  commands->push_back(MakeCommand<SendMessageOptions>(
      "sendMessage", "Send one message", AddSendMessage, RunSendMessage, CheckSendMessage));
}

}  // namespace orbit::admin
