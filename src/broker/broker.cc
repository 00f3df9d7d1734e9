#include "broker/broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "broker/acl.h"
#include "broker/admin_processor.h"
#include "broker/admin_stats_processor.h"
#include "broker/client_processor.h"
#include "broker/consumer_admin_processor.h"
#include "broker/end_transaction_processor.h"
#include "broker/lock_processor.h"
#include "broker/pull_hold_service.h"
#include "broker/pull_processor.h"
#include "broker/query_processor.h"
#include "broker/registration.h"
#include "broker/reply.h"
#include "broker/reply_processor.h"
#include "broker/runtime_stats.h"
#include "broker/schedule_message_service.h"
#include "broker/send_back_processor.h"
#include "broker/send_processor.h"
#include "broker/transaction_service.h"

namespace orbit::broker {

namespace {

// A port the kernel considers free right now on `host` (for listenPort=0: the store needs the
// port before the server starts, because message ids carry it).
Result<uint16_t> PickFreePort(const std::string& host) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status(ErrorCode::kIoError, "socket: cannot pick a free port");
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = 0;
  if (inet_pton(AF_INET, host.c_str(), &sa.sin_addr) != 1) sa.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t len = sizeof(sa);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    ::close(fd);
    return Status(ErrorCode::kIoError, "bind: cannot pick a free port on " + host);
  }
  ::close(fd);
  return ntohs(sa.sin_port);
}

}  // namespace

Broker::Broker(BrokerConfig config, BrokerOptions options)
    : config_(std::move(config)),
      options_(options),
      clock_(options.clock != nullptr ? options.clock : &Clock::System()),
      fs_(options.fs != nullptr ? options.fs : store::FileSystem::Default()) {}

Broker::~Broker() { Shutdown(); }

uint16_t Broker::port() const {
  return server_ ? server_->port() : static_cast<uint16_t>(config().listen_port);
}

std::string Broker::addr() const { return config().broker_ip1 + ":" + std::to_string(port()); }

Status Broker::Start() {
  if (started_) return Status(ErrorCode::kInternal, "broker already started");
  started_ = true;
  ORBIT_RETURN_IF_ERROR(config().Validate());
  if (config().acl_enable) {  // a bad aclFile stops the start before anything is opened
    ORBIT_ASSIGN_OR_RETURN(acl_, AclValidator::Open(*fs_, config().acl_file));
  }
  if (config().listen_port == 0) {
    ORBIT_ASSIGN_OR_RETURN(uint16_t port, PickFreePort(config().bind_address));
    BrokerConfig with_port = config();
    with_port.listen_port = port;
    config_.Publish(std::move(with_port));
  }
  ORBIT_ASSIGN_OR_RETURN(
      store_host_, ParseHostPort(config().broker_ip1 + ":" + std::to_string(config().listen_port)));

  hold_ = std::make_unique<PullHoldService>(
      [this](const net::ConnectionPtr& conn, protocol::RemotingCommand req) {
        pull_->Resume(conn, std::move(req));
      });
  const std::string config_dir = config().store.ConfigDir();
  topics_ = std::make_unique<TopicConfigManager>(config_, *fs_, config_dir);
  topics_->set_on_change([this] { topics_changed_.store(true); });
  groups_ = std::make_unique<SubscriptionGroupManager>(config_, *fs_, config_dir);
  offsets_ = std::make_unique<ConsumerOffsetManager>(*fs_, config_dir);
  ORBIT_RETURN_IF_ERROR(topics_->Load());
  ORBIT_RETURN_IF_ERROR(groups_->Load());
  ORBIT_RETURN_IF_ERROR(offsets_->Load());

  store::StoreOptions so;
  so.fs = fs_;
  so.clock = clock_;
  so.store_host = store_host_;
  so.dispatch_hook = [this](const store::DispatchRequest& r) {
    if (r.has_consume_queue_entry) {
      hold_->OnMessageArrived(r.topic, r.queue_id, r.queue_offset + 1, r.tags_code);
    }
  };
  ORBIT_ASSIGN_OR_RETURN(store_, store::MessageStore::Open(config().store, std::move(so)));
  schedule_ = std::make_unique<ScheduleMessageService>(*store_, *fs_, config_dir, *clock_);
  ORBIT_RETURN_IF_ERROR(schedule_->Load());
  if (!config().IsSlave()) schedule_->Start();

  consumers_.set_listener(
      [this](ConsumerGroupEvent event, const std::string& group, const ConsumerGroupInfo& info) {
        OnConsumerGroupEvent(event, group, info);
      });

  net::ServerOptions opts;
  opts.host = config().bind_address;
  opts.port = static_cast<uint16_t>(config().listen_port);
  opts.io_threads = config().server_worker_threads;
  opts.unknown_code_policy = net::UnknownCodePolicy::kReplyNotSupported;
  opts.thread_name = "orbit-broker";
  server_ = std::make_unique<net::RemotingServer>(opts);
  if (acl_) {
    server_->SetRequestFilter(
        [this](const net::ConnectionPtr& conn, const protocol::RemotingCommand& req) {
          return acl_->Filter(req, conn->remote_address());
        });
  }
  send_ = std::make_unique<SendProcessor>(*this);
  pull_ = std::make_unique<PullProcessor>(*this);
  client_ = std::make_unique<ClientProcessor>(*this);
  admin_ = std::make_unique<AdminProcessor>(*this);
  send_->Register(*server_);
  pull_->Register(*server_);
  client_->Register(*server_);
  admin_->Register(*server_);
  send_back_ = std::make_unique<SendBackProcessor>(*this);
  send_back_->Register(*server_);
  transactions_ = std::make_unique<TransactionService>(*this);
  end_transaction_ = std::make_unique<EndTransactionProcessor>(*this);
  end_transaction_->Register(*server_);
  runtime_stats_ = std::make_unique<RuntimeStats>(clock_->NowMillis());
  query_ = std::make_unique<QueryProcessor>(*this);
  query_->Register(*server_);
  lock_ = std::make_unique<LockProcessor>(*this);
  lock_->Register(*server_);
  admin_stats_ = std::make_unique<AdminStatsProcessor>(*this);
  admin_stats_->Register(*server_);
  consumer_admin_ = std::make_unique<ConsumerAdminProcessor>(*this);
  consumer_admin_->Register(*server_);
  reply_ = std::make_unique<ReplyProcessor>(*this);
  reply_->Register(*server_);
  server_->AddConnectionListener({nullptr, [this](const net::ConnectionPtr& conn, const Status&) {
                                    producers_.OnConnectionClosed(conn->id());
                                    consumers_.OnConnectionClosed(conn->id());
                                  }});
  ORBIT_RETURN_IF_ERROR(server_->Start());

  registration_ = std::make_unique<Registration>(*this);
  if (Status st = registration_->RegisterAll(); !st.ok()) {
    ORBIT_LOG_WARN("{} (retried every {} ms)", st.message(), config().register_name_server_period);
  }
  topics_changed_.store(false);

  int64_t register_period =
      std::max<int64_t>(10000, std::min<int64_t>(config().register_name_server_period, 60000));
  scheduler_.Add("register", register_period, register_period, [this] { RegisterBrokerAll(); });
  scheduler_.Add("register-on-change", 500, 500, [this] {
    if (topics_changed_.exchange(false)) RegisterBrokerAll();
  });
  scheduler_.Add("persist-offsets", config().flush_consumer_offset_interval,
                 config().flush_consumer_offset_interval, [this] {
                   if (Status st = offsets_->Persist(); !st.ok()) {
                     ORBIT_LOG_ERROR("consumer offsets not persisted: {}", st.ToString());
                   }
                 });
  if (schedule_->started()) {
    scheduler_.Add("persist-delay-offsets", config().flush_delay_offset_interval,
                   config().flush_delay_offset_interval, [this] {
                     if (Status st = schedule_->Persist(); !st.ok()) {
                       ORBIT_LOG_ERROR("delay offsets not persisted: {}", st.ToString());
                     }
                   });
  }
  scheduler_.Add("sample-stats", 1000, 1000,
                 [this] { runtime_stats_->Sample(store_->stats(), clock_->NowMillis()); });
  scheduler_.Add("scan-channels", 10000, 10000, [this] {
    int64_t now = clock_->NowMillis();
    producers_.ScanNotActiveChannels(now, config().channel_expired_timeout);
    consumers_.ScanNotActiveChannels(now, config().channel_expired_timeout);
  });
  int64_t hold_check = config().long_polling_enable ? 1000 : config().short_polling_time_mills;
  scheduler_.Add("check-held-pulls", hold_check, hold_check, [this] {
    hold_->CheckHeld(clock_->NowMillis(), [this](std::string_view topic, int32_t queue_id) {
      return store_->GetMaxOffsetInQueue(topic, queue_id);
    });
  });
  if (acl_) {  // Apache's AclFileWatchService looks every 5 s
    scheduler_.Add("reload-acl", 5000, 5000, [this] { (void)acl_->ReloadIfChanged(); });
  }
  scheduler_.Start();
  transactions_->Start();  // the check-back thread, on a master only
  ORBIT_LOG_INFO("broker {} ({}, cluster {}) serving on {}", config().broker_name,
                 config().broker_role, config().broker_cluster_name, addr());
  return Status::Ok();
}

void Broker::RegisterIfTopicsChanged(std::function<void()> then) {
  if (registration_ == nullptr || !topics_changed_.exchange(false)) {
    then();
    return;
  }
  registration_->RegisterAllAsync(std::move(then));
}

void Broker::RegisterBrokerAll() {
  if (!registration_) return;
  if (Status st = registration_->RegisterAll(); !st.ok()) ORBIT_LOG_WARN("{}", st.message());
}

void Broker::OnConsumerGroupEvent(ConsumerGroupEvent event, const std::string& group,
                                  const ConsumerGroupInfo& info) {
  if (event == ConsumerGroupEvent::kChange && config().notify_consumer_ids_changed_enable &&
      client_ != nullptr) {
    client_->NotifyConsumerIdsChanged(group, info);
  }
}

void Broker::Shutdown() {
  if (!started_ || shut_down_) return;
  shut_down_ = true;
  scheduler_.Stop();
  if (transactions_) transactions_->Stop();  // before the last offset persist and the store
  if (registration_) registration_->UnregisterAll();
  if (hold_) hold_->ResumeAll();
  if (server_) server_->Shutdown();
  if (schedule_) schedule_->Shutdown();  // stops delivering and persists delayOffset.json
  if (offsets_) {
    if (Status st = offsets_->Persist(); !st.ok()) {
      ORBIT_LOG_ERROR("consumer offsets not persisted at shutdown: {}", st.ToString());
    }
  }
  if (store_) {
    if (Status st = store_->Shutdown(); !st.ok()) {
      ORBIT_LOG_ERROR("store shutdown: {}", st.ToString());
    }
  }
  registration_.reset();
  ORBIT_LOG_INFO("broker {} shut down", config().broker_name);
}

}  // namespace orbit::broker
