#pragma once

// Typed JSON bodies of the RocketMQ remoting protocol, one header per group. Conventions
// (member order, nulls, map order, fastjson quirks accepted when reading) are in
// bodies_common.h; each group header documents the formats it owns.
//
//   bodies_common.h     MessageQueue, DataVersion, KVTable, JsonStyle, PrettyJson
//   bodies_heartbeat.h  HeartbeatData (34), CheckClientRequestBody (46)
//   bodies_route.h      TopicRouteData (105), ClusterInfo (106), TopicList (206/224/304)
//   bodies_register.h   TopicConfig, TopicConfigSerializeWrapper, RegisterBrokerBody (103)
//   bodies_consumer.h   lock/unlock (41/42), consumer list (38), reset offset (220/222),
//                       ConsumerRunningInfo (307), ConsumeMessageDirectlyResult (309)
//   bodies_admin.h      ConsumeStats (208), TopicStatsTable (202), connections (203/204),
//                       subscription groups (200/201), GroupList (300)
//   bodies_files.h      consumerOffset.json, delayOffset.json, kvConfig.json, offsets.json

#include "protocol/bodies_admin.h"
#include "protocol/bodies_common.h"
#include "protocol/bodies_consumer.h"
#include "protocol/bodies_files.h"
#include "protocol/bodies_heartbeat.h"
#include "protocol/bodies_register.h"
#include "protocol/bodies_route.h"
