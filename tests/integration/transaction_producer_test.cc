// orbit::TransactionProducer against an in-process cluster: committed half messages are
// delivered, rolled-back ones never are, and an unknown outcome is resolved by the broker's
// check-back, also when the producer that sent it is gone and another of its group answers.

#include "orbit/transaction_producer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "protocol/message.h"

namespace orbit {
namespace {

class Outcome : public TransactionListener {
 public:
  explicit Outcome(LocalTransactionState execute, LocalTransactionState check)
      : execute_(execute), check_(check) {}
  LocalTransactionState Execute(const Message&, const SendResult&) override {
    executed.fetch_add(1);
    return execute_;
  }
  LocalTransactionState Check(const MessageExt& message) override {
    checked.fetch_add(1);
    last_checked_key = message.keys();
    return check_;
  }
  std::atomic<int> executed{0};
  std::atomic<int> checked{0};
  std::string last_checked_key;  // read after `checked` is seen

 private:
  LocalTransactionState execute_;
  LocalTransactionState check_;
};

class TransactionProducerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmbeddedClusterOptions options;
    options.configure = [](int, broker::BrokerConfig& c) {
      c.transaction_check_interval = 500;  // check-backs within a second
      c.transaction_timeout = 300;
    };
    auto c = EmbeddedCluster::Start(options);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
  }

  ProducerConfig Config() {
    ProducerConfig config;
    config.group = "PG_TX";
    config.namesrv_addr = cluster_->namesrv_addr();
    return config;
  }

  // Bodies in the topic's queues (dispatched), all queues.
  std::vector<std::string> Delivered(const std::string& topic) {
    std::vector<std::string> out;
    for (int q = 0; q < 8; ++q) {
      for (auto& record : orbit::testing::StoredRecords(*cluster_, 0, topic, q)) {
        out.push_back(std::move(record.body));
      }
    }
    return out;
  }

  bool WaitDelivered(const std::string& topic, size_t n, int seconds) {
    for (int i = 0; i < seconds * 20; ++i) {
      if (Delivered(topic).size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Delivered(topic).size() >= n;
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
};

TEST_F(TransactionProducerTest, CommitDeliversAndRollbackDoesNot) {
  auto listener = std::make_shared<Outcome>(LocalTransactionState::kCommitMessage,
                                            LocalTransactionState::kRollbackMessage);
  TransactionProducer producer(Config(), listener);
  ASSERT_TRUE(producer.Start().ok());
  auto committed = producer.SendMessageInTransaction(Message("TopicTx", "Tag", "K1", "commit me"));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->local_state, LocalTransactionState::kCommitMessage);
  EXPECT_EQ(committed->transaction_id, committed->msg_id);
  EXPECT_EQ(listener->executed.load(), 1);

  auto rolled = producer.SendMessageInTransaction(
      Message("TopicTx", "Tag", "K2", "roll me back"),
      [](const Message&, const SendResult&) { return LocalTransactionState::kRollbackMessage; });
  ASSERT_TRUE(rolled.ok());
  EXPECT_EQ(rolled->local_state, LocalTransactionState::kRollbackMessage);
  EXPECT_EQ(listener->executed.load(), 1) << "the per-call executor ran instead";

  ASSERT_TRUE(WaitDelivered("TopicTx", 1, 10));
  // Give a wrongly committed rollback time to show up, then check it did not.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto bodies = Delivered("TopicTx");
  EXPECT_EQ(bodies, std::vector<std::string>{"commit me"});
  EXPECT_EQ(listener->checked.load(), 0) << "decided transactions are not checked back";
}

TEST_F(TransactionProducerTest, UnknownOutcomeIsResolvedByTheCheckBack) {
  auto listener = std::make_shared<Outcome>(LocalTransactionState::kUnknown,
                                            LocalTransactionState::kCommitMessage);
  TransactionProducer producer(Config(), listener);
  ASSERT_TRUE(producer.Start().ok());
  auto sent = producer.SendMessageInTransaction(Message("TopicTxCheck", "Tag", "K3", "later"));
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->local_state, LocalTransactionState::kUnknown);
  ASSERT_TRUE(WaitDelivered("TopicTxCheck", 1, 20)) << "never committed by the check-back";
  EXPECT_GE(listener->checked.load(), 1);
  EXPECT_EQ(listener->last_checked_key, "K3");
}

TEST_F(TransactionProducerTest, CheckBackIsAnsweredAfterTheProducerRestarts) {
  {
    // The sender leaves before it knows the outcome.
    auto gone =
        std::make_shared<Outcome>(LocalTransactionState::kUnknown, LocalTransactionState::kUnknown);
    TransactionProducer producer(Config(), gone);
    ASSERT_TRUE(producer.Start().ok());
    ASSERT_TRUE(producer.SendMessageInTransaction(Message("TopicTxRestart", "orphan")).ok());
    producer.Shutdown();
  }
  EXPECT_TRUE(Delivered("TopicTxRestart").empty());
  auto back = std::make_shared<Outcome>(LocalTransactionState::kCommitMessage,
                                        LocalTransactionState::kCommitMessage);
  TransactionProducer producer(Config(), back);
  ASSERT_TRUE(producer.Start().ok());
  ASSERT_TRUE(WaitDelivered("TopicTxRestart", 1, 20));
  EXPECT_GE(back->checked.load(), 1);
  EXPECT_EQ(back->executed.load(), 0);
}

}  // namespace
}  // namespace orbit
