#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the golden captures.

Usage: fuzz/tools/make_seeds.py [--golden DIR] [--out DIR]

Every HEX line of tests/data/golden/*.txt is one whole frame (4-byte length prefix included).
The seeds are cut from those frames:
  fuzz_frame          frame payloads (frame minus its length prefix)
  fuzz_json_header    JSON headers as captured
  fuzz_binary_header  binary headers as captured (06), plus JSON headers of other captures
                      re-encoded in the binary layout
  fuzz_json_body      selector byte + JSON body of each frame whose body type is known from its
                      code; selector byte + hand-written samples (from shared/protocol/
                      json-bodies.md) for bodies absent from the captures; a compressed
                      REGISTER_BROKER body built from the captured JSON one
  fuzz_message        selector byte + pull bodies of PULL_MESSAGE FOUND responses, single
                      records cut from them, the CHECK_TRANSACTION_STATE record, the batch body,
                      properties strings, message ids and the compressed bodies of 08
  fuzz_headers        selector byte (index in ORBIT_HEADER_TYPES, read from
                      src/protocol/headers.h) + extFields as "key=value" lines
The selector numbering must match the tables in the fuzz targets. The output is deterministic
(named after capture and frame), so re-running the script rewrites the same files.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import struct
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MAX_SEEDS = 100
MAX_BYTES = 2 * 1024 * 1024

LANGUAGES = ["JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO",
             "PHP", "OMS", "RUST", "NODE_JS"]

# fuzz_json_body selectors (fuzz/fuzz_json_body.cc kDecoders).
BODY_TYPES = {
    "ParseJson": 0, "MessageQueue": 1, "DataVersion": 2, "KVTable": 3, "HeartbeatData": 4,
    "CheckClientRequestBody": 5, "TopicRouteData": 6, "ClusterInfo": 7, "TopicList": 8,
    "TopicConfig": 9, "TopicConfigSerializeWrapper": 10, "RegisterBrokerBody": 11,
    "LockBatchRequestBody": 12, "LockBatchResponseBody": 13,
    "GetConsumerListByGroupResponseBody": 14, "ResetOffsetBody": 15, "ResetOffsetBodyForC": 16,
    "ConsumerRunningInfo": 17, "ConsumeMessageDirectlyResult": 18, "ConsumeStats": 19,
    "TopicStatsTable": 20, "ConsumerConnection": 21, "ProducerConnection": 22,
    "SubscriptionGroupConfig": 23, "SubscriptionGroupWrapper": 24, "GroupList": 25,
    "ConsumerOffsetSerializeWrapper": 26, "DelayOffsetSerializeWrapper": 27,
    "KVConfigSerializeWrapper": 28, "OffsetSerializeWrapper": 29, "RegisterBrokerCompressed": 30,
}

# JSON body type by (request code, is_response).
BODY_OF_CODE = {
    (34, False): "HeartbeatData", (41, False): "LockBatchRequestBody",
    (41, True): "LockBatchResponseBody", (42, False): "LockBatchRequestBody",
    (103, False): "RegisterBrokerBody", (103, True): "KVTable", (105, True): "TopicRouteData",
    (106, True): "ClusterInfo", (206, True): "TopicList", (28, True): "KVTable",
    (208, True): "ConsumeStats", (38, True): "GetConsumerListByGroupResponseBody",
    (46, False): "CheckClientRequestBody", (322, False): "DataVersion",
}

# fuzz_message selectors (fuzz/fuzz_message.cc).
MSG_PULL, MSG_RECORD, MSG_BATCH, MSG_PROPS, MSG_IDS, MSG_ZLIB, MSG_LZ4, MSG_ZSTD = range(8)

SUB = ('{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG",'
       '"subString":"TagA || TagB","subVersion":1700000000123,"tagsSet":["TagA","TagB"],'
       '"topic":"TopicTest"}')
MQ = '{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}'
CONN = ('{"clientAddr":"192.168.1.20:54321","clientId":"192.168.1.20@12345","language":"JAVA",'
        '"version":409}')
SGC = ('{"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,'
       '"consumeFromMinEnable":true,"groupName":"CG","notifyConsumerIdsChangedEnable":true,'
       '"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}')
TOPIC_CONFIG = ('{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG",'
                '"topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}')

# Bodies the captures do not contain, written after shared/protocol/json-bodies.md.
SAMPLE_BODIES = [
    ("MessageQueue", MQ),
    ("MessageQueue", '{"brokerName":"b\\u00e9","queueId":-1,"topic":"%RETRY%CG"}'),
    ("DataVersion", '{"counter":3,"timestamp":1700000000000}'),
    ("DataVersion", '{"counter":"7","timestamp":null}'),
    ("CheckClientRequestBody",
     '{"clientId":"192.168.1.20@12345","group":"CG","subscriptionData":' + SUB + '}'),
    ("TopicConfig", TOPIC_CONFIG),
    ("TopicConfigSerializeWrapper",
     '{"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":'
     + TOPIC_CONFIG + '}}'),
    ("ResetOffsetBody", '{"offsetTable":{' + MQ + ':123,{"brokerName":"b","queueId":1,'
     '"topic":"T"}:0}}'),
    ("ResetOffsetBody", '{"offsetTable":{"' + MQ.replace('"', '\\"') + '":5}}'),
    ("ResetOffsetBodyForC", '{"offsetTable":[{"brokerName":"broker-a","offset":123,"queueId":0,'
     '"topic":"TopicTest"}]}'),
    ("ConsumerRunningInfo",
     '{"jstack":"main\\n\\tat X","mqTable":{' + MQ + ':{"cachedMsgCount":1,'
     '"cachedMsgMaxOffset":9,"cachedMsgMinOffset":9,"cachedMsgSizeInMiB":0,"commitOffset":9,'
     '"droped":false,"lastConsumeTimestamp":1700000000000,"lastLockTimestamp":0,'
     '"lastPullTimestamp":1700000000001,"locked":true,"transactionMsgCount":0,'
     '"transactionMsgMaxOffset":0,"transactionMsgMinOffset":0,"tryUnlockTimes":0}},'
     '"properties":{"PROP_CONSUMEORDERLY":"false","PROP_CONSUME_TYPE":"CONSUME_PASSIVELY",'
     '"PROP_CLIENT_VERSION":"V4_9_8","PROP_CONSUMER_START_TIMESTAMP":"1700000000000"},'
     '"statusTable":{"TopicTest":{"consumeFailedMsgs":0,"consumeFailedTPS":0.0,'
     '"consumeOKTPS":1.5,"consumeRT":2.25,"pullRT":0.1,"pullTPS":3.0}},'
     '"subscriptionSet":[' + SUB + ']}'),
    ("ConsumeMessageDirectlyResult",
     '{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"remark":"ok",'
     '"spentTimeMills":12}'),
    ("ConsumeMessageDirectlyResult", '{"consumeResult":2,"spentTimeMills":"3"}'),
    ("TopicStatsTable", '{"offsetTable":{' + MQ + ':{"lastUpdateTimestamp":1700000000000,'
     '"maxOffset":100,"minOffset":0}}}'),
    ("ConsumerConnection",
     '{"connectionSet":[' + CONN + '],"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",'
     '"consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","subscriptionTable":'
     '{"TopicTest":' + SUB + '}}'),
    ("ProducerConnection", '{"connectionSet":[' + CONN + ']}'),
    ("SubscriptionGroupConfig", SGC),
    ("SubscriptionGroupWrapper",
     '{"dataVersion":{"counter":1,"timestamp":1700000000000},"subscriptionGroupTable":{"CG":'
     + SGC + '}}'),
    ("GroupList", '{"groupList":["CG1","CG2"]}'),
    ("ConsumerOffsetSerializeWrapper", '{"offsetTable":{"TopicTest@CG":{0:12,1:7}}}'),
    ("ConsumerOffsetSerializeWrapper",
     '{\n\t"offsetTable":{\n\t\t"%RETRY%CG@CG":{0:0\n\t\t},\n\t\t"TopicTest@CG":{0:12,1:7\n\t\t}'
     '\n\t}\n}'),
    ("DelayOffsetSerializeWrapper", '{"offsetTable":{1:5,3:0}}'),
    ("KVConfigSerializeWrapper",
     '{"configTable":{"ORDER_TOPIC_CONFIG":{"TopicOrder":"broker-a:4;broker-b:4"}}}'),
    ("OffsetSerializeWrapper", '{"offsetTable":{' + MQ + ':42}}'),
    ("OffsetSerializeWrapper",
     '{\n\t"offsetTable":{{\n\t\t\t"brokerName":"broker-a",\n\t\t\t"queueId":0,\n\t\t\t'
     '"topic":"TopicTest"\n\t\t}:42\n\t}\n}'),
    # The tolerant reader on its own: fastjson quirks and escapes.
    ("ParseJson", '{0:"a",1:"b",\'single\':\'q\',bare:true,"t":[1,2,],}'),
    ("ParseJson", '{{"topic":"T","queueId":1}:{"x":[null,false,-1.5e3,"\\u00e9\\ud83d\\ude00\\/"]}}'),
    ("ParseJson", '[[[[[[[[{"deep":[[[[[]]]]]}]]]]]]]]'),
    ("ParseJson", '"\\b\\f\\n\\r\\t\\"\\\\"'),
]


def parse_golden(path):
    """Yields (name, info, frame bytes) for each FRAME/HEX pair of one capture."""
    stem = os.path.splitext(os.path.basename(path))[0]
    frame_line = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("FRAME "):
                frame_line = line
            elif line.startswith("HEX ") and frame_line is not None:
                index = int(frame_line.split()[1])
                m = re.search(r" (REQUEST|RESPONSE to (\d+)/\S+) code=(\d+)", frame_line)
                is_response = m.group(1).startswith("RESPONSE")
                info = {
                    "is_response": is_response,
                    "request_code": int(m.group(2) if is_response else m.group(3)),
                    "code": int(m.group(3)),
                }
                yield f"{stem}-{index}", info, bytes.fromhex(line[4:].strip())
                frame_line = None


def split_frame(frame):
    """Returns (serialize type, header bytes, body bytes) of a whole frame."""
    length, mark = struct.unpack(">II", frame[:8])
    assert length == len(frame) - 4, "bad golden frame length"
    header_len = mark & 0xFFFFFF
    return mark >> 24, frame[8:8 + header_len], frame[8 + header_len:]


def decode_binary_header(header):
    code, lang, version, opaque, flag, remark_len = struct.unpack(">hBhiii", header[:17])
    pos = 17
    remark = header[pos:pos + remark_len].decode() if remark_len > 0 else None
    pos += remark_len
    (ext_len,) = struct.unpack(">i", header[pos:pos + 4])
    pos += 4
    ext, end = {}, pos + ext_len
    while pos < end:
        (klen,) = struct.unpack(">H", header[pos:pos + 2])
        key = header[pos + 2:pos + 2 + klen].decode()
        pos += 2 + klen
        (vlen,) = struct.unpack(">i", header[pos:pos + 4])
        ext[key] = header[pos + 4:pos + 4 + vlen].decode()
        pos += 4 + vlen
    return {"code": code, "language": LANGUAGES[lang] if lang < len(LANGUAGES) else "OTHER",
            "version": version, "opaque": opaque, "flag": flag, "remark": remark,
            "extFields": ext}


def header_fields(ser, header):
    if ser == 0:
        doc = json.loads(header.decode("utf-8"))
        doc["extFields"] = {k: v if isinstance(v, str) else json.dumps(v)
                            for k, v in (doc.get("extFields") or {}).items()}
        return doc
    return decode_binary_header(header)


def encode_binary_header(doc):
    lang = doc.get("language", "JAVA")
    out = struct.pack(">hBhii", doc["code"], LANGUAGES.index(lang) if lang in LANGUAGES else 7,
                      doc.get("version", 0), doc.get("opaque", 0), doc.get("flag", 0))
    remark = (doc.get("remark") or "").encode()
    out += struct.pack(">i", len(remark)) + remark
    ext = b""
    for k, v in doc["extFields"].items():
        kb, vb = k.encode(), v.encode()
        ext += struct.pack(">H", len(kb)) + kb + struct.pack(">i", len(vb)) + vb
    return out + struct.pack(">i", len(ext)) + ext


def split_records(body):
    records, pos = [], 0
    while pos + 4 <= len(body):
        (total,) = struct.unpack(">i", body[pos:pos + 4])
        if total < 8 or pos + total > len(body):
            break
        records.append(body[pos:pos + total])
        pos += total
    return records


def record_variants(rec):
    """Re-encodings of a captured stored record the captures lack: IPv6 born/store hosts
    (sysFlag bits 4 and 5) and the 5.x V2 magic with a 2-byte TOPICLENGTH."""
    (sys_flag,) = struct.unpack(">i", rec[36:40])
    if sys_flag & 0x30:
        return []
    head = bytearray(rec[4:36])  # MAGICCODE .. PHYSICALOFFSET
    born_ts, born = rec[40:48], rec[48:56]
    store_ts, store = rec[56:64], rec[64:72]
    tail = rec[72:84]  # RECONSUMETIMES, PREPAREDTRANSACTIONOFFSET
    (body_len,) = struct.unpack(">i", rec[84:88])
    body = rec[88:88 + body_len]
    pos = 88 + body_len
    topic_len = rec[pos]
    topic = rec[pos + 1:pos + 1 + topic_len]
    props = rec[pos + 1 + topic_len:]  # PROPERTIESLENGTH + PROPERTIES

    def v6(host):
        return b"\0" * 10 + b"\xff\xff" + host[:4] + host[4:]

    def build(magic, flag, born_host, store_host, topic_field):
        out = bytearray(struct.pack(">I", magic)) + head[4:]
        out += struct.pack(">i", flag) + born_ts + born_host + store_ts + store_host + tail
        out += struct.pack(">i", body_len) + body + topic_field + topic + props
        return struct.pack(">i", len(out) + 4) + bytes(out)

    one = bytes([topic_len])
    return [
        ("ipv6", build(0xDAA320A7, sys_flag | 0x30, v6(born), v6(store), one)),
        ("v2magic", build(0xDAA320AB, sys_flag, born, store, struct.pack(">h", topic_len))),
    ]


def header_fields_of_types():
    """Header type -> its extFields keys, from the VisitFields of src/protocol/headers_*.h."""
    fields = {}
    proto = os.path.join(ROOT, "src/protocol")
    for path in sorted(os.listdir(proto)):
        if not (path.startswith("headers_") and path.endswith(".h")):
            continue
        text = open(os.path.join(proto, path), encoding="utf-8").read()
        for m in re.finditer(r"\nstruct (\w+) \{(.*?)\n\};", text, re.S):
            fields[m.group(1)] = re.findall(r'v\("(\w+)", \w+\.\w+\)', m.group(2))
    return fields


def header_type_table():
    """Header type -> selector, and the request/response code -> header type maps, read from
    src/protocol/headers.h and codes.h so that they follow the C++ tables."""
    text = open(os.path.join(ROOT, "src/protocol/headers.h"), encoding="utf-8").read()
    codes_text = open(os.path.join(ROOT, "src/protocol/codes.h"), encoding="utf-8").read()
    codes = {m.group(1): int(m.group(2))
             for m in re.finditer(r"X\((k\w+), (\d+), \"", codes_text)}

    def block(name):
        m = re.search(r"#define " + name + r"\(X\)(.*?)(?:\n\n|\n#define|\Z)", text, re.S)
        return m.group(1)

    types = re.findall(r"X\((\w+)\)", block("ORBIT_HEADER_TYPES"))
    selector = {t: i for i, t in enumerate(types)}
    request = {codes[c]: t for c, t in re.findall(r"X\((k\w+), (\w+)\)",
                                                   block("ORBIT_REQUEST_HEADERS"))}
    response = {codes[c]: t for c, t in re.findall(r"X\((k\w+), (\w+)\)",
                                                    block("ORBIT_RESPONSE_HEADERS"))}
    return selector, request, response, len(types)


class Corpus:
    """One target's seeds: deduplicated by content, bounded in count and bytes."""

    def __init__(self, name):
        self.name = name
        self.seeds = {}  # file name -> bytes
        self.digests = set()

    def add(self, name, data):
        digest = hashlib.sha1(data).digest()
        if digest in self.digests or len(self.seeds) >= MAX_SEEDS:
            return False
        if sum(map(len, self.seeds.values())) + len(data) > MAX_BYTES:
            return False
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        assert name not in self.seeds, f"duplicate seed name {name}"
        self.digests.add(digest)
        self.seeds[name] = data
        return True

    def write(self, out_dir):
        target_dir = os.path.join(out_dir, self.name)
        shutil.rmtree(target_dir, ignore_errors=True)
        os.makedirs(target_dir)
        for name, data in sorted(self.seeds.items()):
            with open(os.path.join(target_dir, name), "wb") as f:
                f.write(data)
        total = sum(map(len, self.seeds.values()))
        print(f"{self.name}: {len(self.seeds)} seeds, {total} bytes")


def add_diverse(corpus, items, per_key):
    """items: (key, name, data). Takes up to per_key items of each key, round-robin, so that
    every kind of frame is represented before any kind gets a second seed."""
    for round_no in range(per_key):
        seen = {}
        for key, name, data in items:
            n = seen.get(key, 0)
            seen[key] = n + 1
            if n == round_no:
                corpus.add(name, data)


def compressed_register_body(json_body):
    """The compressed REGISTER_BROKER form (bodies_register.h) of a captured JSON body."""
    doc = json.loads(json_body)
    wrapper = doc["topicConfigSerializeWrapper"]
    dv = wrapper["dataVersion"]
    out = bytearray()

    def block(b):
        out.extend(struct.pack(">i", len(b)) + b)

    block(json.dumps({"counter": dv["counter"], "timestamp": dv["timestamp"]},
                     separators=(",", ":")).encode())
    topics = wrapper["topicConfigTable"]
    out.extend(struct.pack(">i", len(topics)))
    for name, c in topics.items():
        block(f"{name} {c['readQueueNums']} {c['writeQueueNums']} {c['perm']} "
              f"{c['topicFilterType']}".encode())
    block(json.dumps(doc.get("filterServerList", []), separators=(",", ":")).encode())
    return zlib.compress(bytes(out), 9)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--golden", default=os.path.join(ROOT, "tests/data/golden"))
    ap.add_argument("--out", default=os.path.join(ROOT, "fuzz/corpus"))
    args = ap.parse_args()

    frames = []
    for path in sorted(os.listdir(args.golden)):
        if path.endswith(".txt"):
            frames.extend(parse_golden(os.path.join(args.golden, path)))

    header_selector, request_headers, response_headers, n_headers = header_type_table()

    frame_items, json_items, binary_items, binary_made = [], [], [], []
    body_items, header_items = [], []
    message = Corpus("fuzz_message")
    msg_items = []
    for name, info, frame in frames:
        ser, header, body = split_frame(frame)
        kind = (info["request_code"], info["is_response"], info["code"], ser, bool(body))
        frame_items.append((kind, name, frame[4:]))
        doc = header_fields(ser, header)
        ext = doc["extFields"]
        if ser == 0:
            json_items.append((kind, name, header))
            binary_made.append((kind, name + "-from-json", encode_binary_header(doc)))
        else:
            binary_items.append((kind, name, header))

        body_type = BODY_OF_CODE.get((info["request_code"], info["is_response"]))
        if body and body_type and (info["code"] == 0 or not info["is_response"]):
            body_items.append((body_type, f"{body_type}-{name}",
                               bytes([BODY_TYPES[body_type]]) + body))
            body_items.append(("ParseJson", f"ParseJson-{name}", bytes([0]) + body))
            if body_type == "RegisterBrokerBody":
                compressed = compressed_register_body(body)
                body_items.append(("RegisterBrokerCompressed", f"RegisterBrokerCompressed-{name}",
                                   bytes([BODY_TYPES["RegisterBrokerCompressed"]]) +
                                   compressed))
                inner = json.dumps(json.loads(body)["topicConfigSerializeWrapper"],
                                   separators=(",", ":")).encode()
                body_items.append(("TopicConfigSerializeWrapper", f"TopicConfigSerializeWrapper-{name}",
                                   bytes([BODY_TYPES["TopicConfigSerializeWrapper"]]) +
                                   inner))

        # Typed headers: the request header of the request code, or the response header.
        table = response_headers if info["is_response"] else request_headers
        htype = table.get(info["request_code"])
        if htype and ext and (not info["is_response"] or info["code"] in (0, 19, 20, 21)):
            lines = "\n".join(f"{k}={v}" for k, v in ext.items()).encode()
            header_items.append((htype, f"{htype}-{name}", bytes([header_selector[htype]]) + lines))
            if htype in ("SendMessageRequestHeader", "SendMessageRequestHeaderV2"):
                header_items.append(("send-conversions", f"SendConversions-{name}",
                                     bytes([n_headers]) + lines))

        # Message codec seeds.
        if info["request_code"] == 11 and info["is_response"] and info["code"] == 0 and body:
            msg_items.append(("pull", f"pull-{name}", bytes([MSG_PULL]) + body))
            for i, rec in enumerate(split_records(body)):
                msg_items.append(("record", f"record-{name}-{i}", bytes([MSG_RECORD]) + rec))
                for variant, data in record_variants(rec):
                    msg_items.append((variant, f"record-{variant}-{name}-{i}",
                                      bytes([MSG_RECORD]) + data))
        if info["code"] == 39 and not info["is_response"] and body:
            msg_items.append(("record", f"record-{name}", bytes([MSG_RECORD]) + body))
        if info["code"] == 320 and not info["is_response"] and body:
            msg_items.append(("batch", f"batch-{name}", bytes([MSG_BATCH]) + body))
        for key in ("i", "properties"):
            if key in ext and info["request_code"] in (10, 310, 320):
                msg_items.append(("props", f"props-{name}",
                                  bytes([MSG_PROPS]) + ext[key].encode()))
                for piece in ext[key].split("\x02"):
                    if piece.startswith("UNIQ_KEY\x01"):
                        msg_items.append(("ids", f"uniqkey-{name}",
                                          bytes([MSG_IDS]) + piece[9:].encode()))
        if "msgId" in ext:
            msg_items.append(("ids", f"msgid-{name}", bytes([MSG_IDS]) + ext["msgId"].encode()))
        if info["code"] == 310 and not info["is_response"] and body:
            sys_flag = int(ext.get("f", "0"))
            if sys_flag & 1:
                selector = {0: MSG_ZLIB, 3: MSG_ZLIB, 1: MSG_LZ4, 2: MSG_ZSTD}[(sys_flag >> 8) & 7]
                msg_items.append(("compressed", f"compressed-{name}", bytes([selector]) + body))

    corpora = []
    c = Corpus("fuzz_frame")
    add_diverse(c, frame_items, 3)
    corpora.append(c)
    c = Corpus("fuzz_json_header")
    add_diverse(c, json_items, 3)
    corpora.append(c)
    c = Corpus("fuzz_binary_header")
    add_diverse(c, binary_items, 4)
    add_diverse(c, binary_made, 2)
    corpora.append(c)
    c = Corpus("fuzz_json_body")
    for body_type, sample in SAMPLE_BODIES:
        c.add(f"sample-{body_type}-{hashlib.sha1(sample.encode()).hexdigest()[:8]}",
              bytes([BODY_TYPES[body_type]]) + sample.encode())
    add_diverse(c, body_items, 4)
    corpora.append(c)
    add_diverse(message, msg_items, 16)
    corpora.append(message)
    c = Corpus("fuzz_headers")
    # Every header with all of its keys present (value "1" parses as any field type), so that
    # headers the captures do not show start from a decodable input.
    for htype, keys in sorted(header_fields_of_types().items()):
        if htype in header_selector and keys:
            lines = "\n".join(f"{k}=1" for k in keys).encode()
            c.add(f"{htype}-all-fields", bytes([header_selector[htype]]) + lines)
    add_diverse(c, header_items, 3)
    corpora.append(c)

    for corpus in corpora:
        corpus.write(args.out)


if __name__ == "__main__":
    main()
