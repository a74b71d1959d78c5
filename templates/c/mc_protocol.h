/*
 * mc_protocol.h -- target side of micro_codegen's framed request/response protocol
 * (the same bytes over a host pipe, a QEMU serial port or a board's UART).
 *
 * Frame (all integers little-endian):
 *   magic 0xA5 0x5A | type u8 | seq u8 | length u32 | payload[length] | crc32 u32
 * crc32 is the IEEE CRC-32 (zlib's) of type, seq, length and payload. A response has
 * the request's type | 0x80 and its seq; its payload starts with a status byte.
 * A frame that cannot be processed (bad CRC, length above MC_PROTO_MAX_PAYLOAD, a
 * frame cut short for MC_PROTO_BYTE_TIMEOUT_MS) is answered with an MC_MSG_ERROR
 * frame and the receiver scans for the next magic. A request that computes (INVOKE) is
 * acknowledged with an MC_MSG_ACCEPTED frame (its seq; status OK, request type) as soon as
 * it has been checked, before it runs, so the host tells a lost request from a long run in
 * milliseconds. Requests and their payloads are documented in
 * micro_codegen/validate/protocol.py.
 */
#ifndef MC_PROTOCOL_H_
#define MC_PROTOCOL_H_

#include <stddef.h>
#include <stdint.h>

#define MC_PROTO_VERSION 2u /* 2: MC_MSG_ACCEPTED */
#define MC_PROTO_MAGIC0 0xA5u
#define MC_PROTO_MAGIC1 0x5Au
#define MC_PROTO_MAX_CHUNK 1024u                      /* data bytes per SET_INPUT / GET_* frame */
#define MC_PROTO_MAX_PAYLOAD (MC_PROTO_MAX_CHUNK + 16u) /* largest request payload accepted */
#ifndef MC_PROTO_BYTE_TIMEOUT_MS
#define MC_PROTO_BYTE_TIMEOUT_MS 250u /* a started frame is dropped after this much silence */
#endif

/* request types; the response type is request | MC_MSG_RESPONSE */
#define MC_MSG_HELLO 0x01u
#define MC_MSG_SET_INPUT 0x02u
#define MC_MSG_INVOKE 0x03u
#define MC_MSG_GET_OUTPUT 0x04u
#define MC_MSG_GET_TIMING 0x05u
#define MC_MSG_GET_TENSOR 0x06u
#define MC_MSG_SELECT 0x07u /* projects of several models: which one the other requests address */
#define MC_MSG_RESPONSE 0x80u
#define MC_MSG_ACCEPTED 0xFEu /* "request received, running it": sent before INVOKE runs */
#define MC_MSG_ERROR 0xFFu /* answer to a frame that could not be processed */

/* status byte of every response */
#define MC_STATUS_OK 0u
#define MC_STATUS_BAD_CRC 1u
#define MC_STATUS_BAD_TYPE 2u
#define MC_STATUS_BAD_LENGTH 3u
#define MC_STATUS_BAD_INDEX 4u
#define MC_STATUS_BAD_RANGE 5u
#define MC_STATUS_INVOKE_FAILED 6u
#define MC_STATUS_UNSUPPORTED 7u
#define MC_STATUS_TIMEOUT 8u

/* HELLO flags */
#define MC_FLAG_DEBUG_TENSORS 0x01u
#define MC_FLAG_TIMING 0x02u

#define MC_MAX_RANK 6

/* element types: MindSpore TypeId numbers */
#define MC_DTYPE_BOOL 30u
#define MC_DTYPE_INT8 32u
#define MC_DTYPE_INT16 33u
#define MC_DTYPE_INT32 34u
#define MC_DTYPE_INT64 35u
#define MC_DTYPE_UINT8 37u
#define MC_DTYPE_UINT16 38u
#define MC_DTYPE_UINT32 39u
#define MC_DTYPE_UINT64 40u
#define MC_DTYPE_FLOAT16 42u
#define MC_DTYPE_FLOAT32 43u

typedef struct mc_tensor_info_t {
    uint8_t dtype; /* MC_DTYPE_* */
    uint8_t rank;
    uint32_t nbytes;
    uint32_t dims[MC_MAX_RANK];
} mc_tensor_info_t;

/* everything the protocol loop needs to know about one generated model */
typedef struct mc_model_t {
    const char *name;
    const char *board;
    const uint8_t *sha256_prefix; /* first 8 bytes of the .ms file's sha256 */
    uint32_t arena_size;
    uint16_t node_count;
    uint8_t input_count;
    uint8_t output_count;
    const mc_tensor_info_t *inputs;
    const mc_tensor_info_t *outputs;
    void *(*input)(int k);
    void *(*output)(int k);
    /* runs nodes first_node..last_node (last_node < 0: to the end) on the arena as it is;
     * 0 or the failing kernel's status */
    int (*invoke_range)(int first_node, int last_node, int *failed_node);
    /* NULL or node_count per-node tick counts of the last invoke */
    const uint32_t *(*node_ticks)(void);
    /* debug builds: arena address of model tensor `index` and its byte size, NULL if not in the
     * arena */
    void *(*tensor)(uint32_t index, uint32_t *nbytes);
} mc_model_t;

/* serve requests until the link reports BOARD_EOF */
void mc_proto_serve(const mc_model_t *model);

/* the same for a project of several models: requests address models[0] until a SELECT */
void mc_proto_serve_models(const mc_model_t *const *models, uint8_t count);

/* IEEE CRC-32 update (start with crc = 0) */
uint32_t mc_crc32(uint32_t crc, const uint8_t *data, size_t n);

#endif /* MC_PROTOCOL_H_ */
