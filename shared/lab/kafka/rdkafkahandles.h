// rdkafkahandles.h: RAII ownership for every librdkafka handle the bridge uses, in one
// place, so no code path can leak a handle or destroy one with the wrong function.
// Internal to the Kafka bridge (and its tests); services never include librdkafka.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

namespace lab::rdk {

/// Calls the librdkafka destroy function Fn on a non-null handle.
template <auto Fn>
struct Deleter
{
    template <typename T>
    void operator()(T *p) const
    {
        if (p)
            Fn(p);
    }
};

using HandlePtr = std::unique_ptr<rd_kafka_t, Deleter<&rd_kafka_destroy>>;
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, Deleter<&rd_kafka_conf_destroy>>;
using TopicConfPtr = std::unique_ptr<rd_kafka_topic_conf_t, Deleter<&rd_kafka_topic_conf_destroy>>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, Deleter<&rd_kafka_queue_destroy>>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, Deleter<&rd_kafka_message_destroy>>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t,
                                         Deleter<&rd_kafka_topic_partition_list_destroy>>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, Deleter<&rd_kafka_metadata_destroy>>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, Deleter<&rd_kafka_error_destroy>>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, Deleter<&rd_kafka_event_destroy>>;
using TopicPtr = std::unique_ptr<rd_kafka_topic_t, Deleter<&rd_kafka_topic_destroy>>;
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, Deleter<&rd_kafka_AdminOptions_destroy>>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, Deleter<&rd_kafka_headers_destroy>>;
using NewTopicPtr = std::unique_ptr<rd_kafka_NewTopic_t, Deleter<&rd_kafka_NewTopic_destroy>>;
using ConfigResourcePtr = std::unique_ptr<rd_kafka_ConfigResource_t, Deleter<&rd_kafka_ConfigResource_destroy>>;

} // namespace lab::rdk
