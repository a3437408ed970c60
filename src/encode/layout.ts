// The compact record format: the one place it is written down.
//
// This file is compiled twice: by TypeScript for the JS side (record writers and the JS
// twin) and by AssemblyScript for wasm/ (the encoder). It must therefore hold only integer
// constants, which both compilers inline.
//
// A batch is three arrays:
//   words     Uint32Array  records, lists and slots, addressed by word index ("offset")
//   strIndex  Uint32Array  string id i -> [byte offset, byte length] at [2i, 2i+1]
//   strBytes  Uint8Array   UTF-8 (or raw bytes values), each string encoded once per batch
//
// String id 0 is always "" so that a 0 field means "empty, omit" (proto3 default).
// 64-bit values (times, counts, int64, doubles) are two words, low word first, the
// doubles' raw IEEE-754 bits: encoders copy bits and never look at the number, so NaN
// payloads and -0 survive and both encoders stay byte-identical.
// Ids (trace 16 bytes, span 8 bytes) are raw bytes inside the words, in wire order.
//
// A "list" is two words [listOffset, count]: words[listOffset + i] is the offset of item i,
// so records may sit anywhere (spans are written as they end, not grouped by scope).
// "attrs" are two words [firstSlot, count]: count contiguous 4-word slots.
//
// The encoders walk this once to size every nested message (sizes pushed in pre-order on
// a stack), then once to write into an output buffer of exactly that size.

export const SIGNAL_TRACES = 1;
export const SIGNAL_METRICS = 2;
export const SIGNAL_LOGS = 3;

// SLOT: a KeyValue, or an AnyValue when used as an array element or a log body (key 0).
export const SLOT_WORDS = 4;
export const SLOT_KEY = 0; // string id
export const SLOT_KIND = 1; // VALUE_*
export const SLOT_LO = 2; // payload low word
export const SLOT_HI = 3; // payload high word

export const VALUE_NONE = 0; // no value field at all
export const VALUE_STRING = 1; // lo = string id
export const VALUE_BOOL = 2; // lo = 0 | 1
export const VALUE_INT = 3; // lo, hi = int64 (two's complement)
export const VALUE_DOUBLE = 4; // lo, hi = IEEE-754 bits
export const VALUE_ARRAY = 5; // lo = first slot, hi = count
export const VALUE_KVLIST = 6; // lo = first slot, hi = count
export const VALUE_BYTES = 7; // lo = string id of the raw bytes
export const VALUE_EMPTY = 8; // an AnyValue message with no member set

// REQUEST (root of every signal): list of RESOURCE records.
export const REQ_LIST = 0;
export const REQ_COUNT = 1;
export const REQ_WORDS = 2;

// RESOURCE: one ResourceSpans / ResourceMetrics / ResourceLogs.
export const RES_BITS = 0; // RES_HAS_RESOURCE
export const RES_ATTRS = 1; // + count at 2
export const RES_DROPPED = 3;
export const RES_SCHEMA_URL = 4;
export const RES_SCOPES = 5; // list of SCOPE, count at 6
export const RES_ENTITY_REFS = 7; // list of ENTITY_REF, count at 8
export const RES_WORDS = 9;
export const RES_HAS_RESOURCE = 1;

// ENTITY_REF: Resource.entity_refs.
export const ENT_SCHEMA_URL = 0;
export const ENT_TYPE = 1;
export const ENT_ID_KEYS = 2; // offset of count string ids, count at 3
export const ENT_DESC_KEYS = 4; // offset of count string ids, count at 5
export const ENT_WORDS = 6;

// SCOPE: one ScopeSpans / ScopeMetrics / ScopeLogs.
export const SCOPE_BITS = 0; // SCOPE_HAS_SCOPE
export const SCOPE_NAME = 1;
export const SCOPE_VERSION = 2;
export const SCOPE_ATTRS = 3; // + count at 4
export const SCOPE_DROPPED = 5;
export const SCOPE_SCHEMA_URL = 6;
export const SCOPE_ITEMS = 7; // list of SPAN | METRIC | LOG, count at 8
export const SCOPE_WORDS = 9;
export const SCOPE_HAS_SCOPE = 1;

// SPAN
export const SPAN_TRACE_ID = 0; // 4 words
export const SPAN_SPAN_ID = 4; // 2 words
export const SPAN_PARENT_ID = 6; // 2 words
export const SPAN_TRACE_STATE = 8;
export const SPAN_FLAGS = 9;
export const SPAN_NAME = 10;
export const SPAN_KIND = 11;
export const SPAN_START = 12; // 2 words
export const SPAN_END = 14; // 2 words
export const SPAN_ATTRS = 16; // + count at 17
export const SPAN_DROPPED_ATTRS = 18;
export const SPAN_EVENTS = 19; // list of EVENT, count at 20
export const SPAN_DROPPED_EVENTS = 21;
export const SPAN_LINKS = 22; // list of LINK, count at 23
export const SPAN_DROPPED_LINKS = 24;
export const SPAN_STATUS_MESSAGE = 25;
export const SPAN_STATUS_CODE = 26;
export const SPAN_BITS = 27;
export const SPAN_WORDS = 28;
export const SPAN_HAS_TRACE_ID = 1;
export const SPAN_HAS_SPAN_ID = 2;
export const SPAN_HAS_PARENT = 4;
export const SPAN_HAS_STATUS = 8;

// EVENT: Span.Event
export const EVENT_TIME = 0; // 2 words
export const EVENT_NAME = 2;
export const EVENT_ATTRS = 3; // + count at 4
export const EVENT_DROPPED = 5;
export const EVENT_WORDS = 6;

// LINK: Span.Link
export const LINK_TRACE_ID = 0; // 4 words
export const LINK_SPAN_ID = 4; // 2 words
export const LINK_TRACE_STATE = 6;
export const LINK_ATTRS = 7; // + count at 8
export const LINK_DROPPED = 9;
export const LINK_FLAGS = 10;
export const LINK_BITS = 11; // ID_HAS_TRACE | ID_HAS_SPAN
export const LINK_WORDS = 12;
export const ID_HAS_TRACE = 1;
export const ID_HAS_SPAN = 2;

// METRIC
export const METRIC_NAME = 0;
export const METRIC_DESCRIPTION = 1;
export const METRIC_UNIT = 2;
export const METRIC_DATA = 3; // DATA_*
export const METRIC_TEMPORALITY = 4;
export const METRIC_MONOTONIC = 5;
export const METRIC_POINTS = 6; // list of *_POINT, count at 7
export const METRIC_METADATA = 8; // attrs, count at 9
export const METRIC_WORDS = 10;
export const DATA_NONE = 0;
export const DATA_GAUGE = 1;
export const DATA_SUM = 2;
export const DATA_HISTOGRAM = 3;
export const DATA_EXP_HISTOGRAM = 4;
export const DATA_SUMMARY = 5;

// Number values of NumberDataPoint and Exemplar.
export const NUM_NONE = 0;
export const NUM_DOUBLE = 1;
export const NUM_INT = 2;

// Fields shared by the head of every data point record.
export const PT_ATTRS = 0; // + count at 1
export const PT_START = 2; // 2 words
export const PT_TIME = 4; // 2 words

// NUMBER_POINT: NumberDataPoint
export const NPT_VALUE_KIND = 6; // NUM_*
export const NPT_VALUE = 7; // 2 words
export const NPT_EXEMPLARS = 9; // list of EXEMPLAR, count at 10
export const NPT_FLAGS = 11;
export const NPT_WORDS = 12;

// HIST_POINT: HistogramDataPoint, EXP_POINT: ExponentialHistogramDataPoint (shared head)
export const HPT_COUNT = 6; // 2 words
export const HPT_SUM = 8; // 2 words
export const HPT_MIN = 10; // 2 words
export const HPT_MAX = 12; // 2 words
export const HPT_BITS = 14;
export const HPT_BUCKETS = 15; // offset of count u64 (2 words each), count at 16
export const HPT_BOUNDS = 17; // offset of count doubles (2 words each), count at 18
export const HPT_EXEMPLARS = 19; // list, count at 20
export const HPT_FLAGS = 21;
export const HPT_WORDS = 22;
export const HAS_SUM = 1;
export const HAS_MIN = 2;
export const HAS_MAX = 4;
export const HAS_POSITIVE = 8;
export const HAS_NEGATIVE = 16;

export const XPT_SCALE = 15; // int32
export const XPT_ZERO_COUNT = 16; // 2 words
export const XPT_ZERO_THRESHOLD = 18; // 2 words
export const XPT_POS_OFFSET = 20; // int32
export const XPT_POS_BUCKETS = 21; // offset of count u64, count at 22
export const XPT_NEG_OFFSET = 23;
export const XPT_NEG_BUCKETS = 24; // offset, count at 25
export const XPT_EXEMPLARS = 26; // list, count at 27
export const XPT_FLAGS = 28;
export const XPT_WORDS = 29;

// SUMMARY_POINT: SummaryDataPoint
export const SPT_COUNT = 6; // 2 words
export const SPT_SUM = 8; // 2 words
export const SPT_QUANTILES = 10; // offset of count (quantile, value) double pairs (4 words each), count at 11
export const SPT_FLAGS = 12;
export const SPT_WORDS = 13;

// EXEMPLAR
export const EX_ATTRS = 0; // filtered attributes, count at 1
export const EX_TIME = 2; // 2 words
export const EX_VALUE_KIND = 4; // NUM_*
export const EX_VALUE = 5; // 2 words
export const EX_SPAN_ID = 7; // 2 words
export const EX_TRACE_ID = 9; // 4 words
export const EX_BITS = 13; // ID_HAS_TRACE | ID_HAS_SPAN
export const EX_WORDS = 14;

// LOG: LogRecord
export const LOG_TIME = 0; // 2 words
export const LOG_OBSERVED = 2; // 2 words
export const LOG_SEVERITY = 4;
export const LOG_SEVERITY_TEXT = 5;
export const LOG_BODY = 6; // an inline SLOT (4 words, key unused)
export const LOG_ATTRS = 10; // + count at 11
export const LOG_DROPPED = 12;
export const LOG_FLAGS = 13;
export const LOG_TRACE_ID = 14; // 4 words
export const LOG_SPAN_ID = 18; // 2 words
export const LOG_EVENT_NAME = 20;
export const LOG_BITS = 21; // ID_HAS_TRACE | ID_HAS_SPAN
export const LOG_WORDS = 22;

// The deepest AnyValue nesting written: at most 16 arrayValue / kvlistValue levels, one in
// another; a value deeper than that is written as an empty AnyValue and counted (the SDK's
// writers in src/record, the OTLP/JSON reader). protoc and the C++, Java and Python protobuf
// runtimes refuse a request with more than 100 messages nested below its root. An AnyValue
// sits at most 8 messages deep (Exemplar.filtered_attributes: ResourceMetrics, ScopeMetrics,
// Metric, Histogram, HistogramDataPoint, Exemplar, KeyValue, AnyValue) and each level costs
// 3 more (KeyValueList, KeyValue, AnyValue; an array 2): 8 + 3 * 16 = 56, a wide margin.
// Both encoders recurse this deep.
export const MAX_VALUE_DEPTH = 16;
