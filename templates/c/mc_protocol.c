/*
 * mc_protocol.c -- target side of the framed protocol (see mc_protocol.h and
 * micro_codegen/validate/protocol.py). Nothing the host sends is trusted: every
 * length, index and offset is checked before it is used, a bad frame gets an
 * MC_MSG_ERROR answer and the loop goes back to scanning for the magic.
 */
#include <string.h>

#include "board.h"
#include "mc_protocol.h"

#define MC_HEADER_BYTES 8u

#ifndef BOARD_EOF
#define BOARD_EOF (-2) /* only the host board reports a closed link */
#endif

static uint8_t mc_rx[MC_PROTO_MAX_PAYLOAD + 4u]; /* payload + crc */

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), 4 bits at a time */
static const uint32_t mc_crc_table[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
    0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
    0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t mc_crc32(uint32_t crc, const uint8_t *data, size_t n)
{
    crc = ~crc;
    while (n-- > 0u) {
        crc ^= *data++;
        crc = (crc >> 4) ^ mc_crc_table[crc & 15u];
        crc = (crc >> 4) ^ mc_crc_table[crc & 15u];
    }
    return ~crc;
}

static uint32_t mc_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint16_t mc_get_u16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] | (uint16_t)((uint16_t)p[1] << 8));
}

static void mc_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void mc_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* ---------------------------------------------------------------- sending */

typedef struct mc_tx_t {
    uint32_t crc;
} mc_tx_t;

static void mc_tx_begin(mc_tx_t *tx, uint8_t type, uint8_t seq, uint32_t length)
{
    uint8_t hdr[MC_HEADER_BYTES];
    hdr[0] = (uint8_t)MC_PROTO_MAGIC0;
    hdr[1] = (uint8_t)MC_PROTO_MAGIC1;
    hdr[2] = type;
    hdr[3] = seq;
    mc_put_u32(&hdr[4], length);
    board_uart_write(hdr, MC_HEADER_BYTES);
    tx->crc = mc_crc32(0u, &hdr[2], MC_HEADER_BYTES - 2u);
}

static void mc_tx_data(mc_tx_t *tx, const uint8_t *data, uint32_t n)
{
    if (n > 0u) {
        board_uart_write(data, n);
        tx->crc = mc_crc32(tx->crc, data, n);
    }
}

static void mc_tx_end(const mc_tx_t *tx)
{
    uint8_t crc[4];
    mc_put_u32(crc, tx->crc);
    board_uart_write(crc, 4u);
}

/* a response made of the status byte followed by `n` bytes */
static void mc_reply(uint8_t type, uint8_t seq, uint8_t status, const uint8_t *data, uint32_t n)
{
    mc_tx_t tx;
    mc_tx_begin(&tx, type, seq, 1u + n);
    mc_tx_data(&tx, &status, 1u);
    mc_tx_data(&tx, data, n);
    mc_tx_end(&tx);
}

static void mc_reply_status(uint8_t req_type, uint8_t seq, uint8_t status)
{
    mc_reply((uint8_t)(req_type | MC_MSG_RESPONSE), seq, status, NULL, 0u);
}

/* status, 3 reserved bytes, total size u32, then `n` data bytes from `data` */
static void mc_reply_data(uint8_t req_type, uint8_t seq, uint32_t total, const uint8_t *data,
                          uint32_t n)
{
    uint8_t head[8] = {0};
    mc_tx_t tx;
    head[0] = (uint8_t)MC_STATUS_OK;
    mc_put_u32(&head[4], total);
    mc_tx_begin(&tx, (uint8_t)(req_type | MC_MSG_RESPONSE), seq, 8u + n);
    mc_tx_data(&tx, head, 8u);
    mc_tx_data(&tx, data, n);
    mc_tx_end(&tx);
}

/* ---------------------------------------------------------------- receiving */

/* read n bytes, each within the byte timeout: 0, -1 (timeout) or BOARD_EOF */
static int mc_read(uint8_t *dst, uint32_t n)
{
    uint32_t i;
    for (i = 0u; i < n; ++i) {
        int c = board_uart_getc_timeout(MC_PROTO_BYTE_TIMEOUT_MS);
        if (c < 0) {
            return c;
        }
        dst[i] = (uint8_t)c;
    }
    return 0;
}

/* next well-formed frame into mc_rx: 1, or 0 when the link is gone */
static int mc_recv(uint8_t *type, uint8_t *seq, uint32_t *length)
{
    for (;;) {
        uint8_t hdr[MC_HEADER_BYTES - 2u];
        uint32_t len;
        int c = board_uart_getc();
        int r;
        if (c == BOARD_EOF) {
            return 0;
        }
        if (c != (int)MC_PROTO_MAGIC0) {
            continue;
        }
        do {
            c = board_uart_getc_timeout(MC_PROTO_BYTE_TIMEOUT_MS);
        } while (c == (int)MC_PROTO_MAGIC0);
        if (c == BOARD_EOF) {
            return 0;
        }
        if (c != (int)MC_PROTO_MAGIC1) {
            continue; /* not a frame start: keep scanning */
        }
        r = mc_read(hdr, sizeof hdr);
        if (r == BOARD_EOF) {
            return 0;
        }
        if (r != 0) {
            mc_reply(MC_MSG_ERROR, 0u, MC_STATUS_TIMEOUT, NULL, 0u);
            continue;
        }
        len = mc_get_u32(&hdr[2]);
        if (len > MC_PROTO_MAX_PAYLOAD) {
            mc_reply(MC_MSG_ERROR, hdr[1], MC_STATUS_BAD_LENGTH, NULL, 0u);
            continue; /* the payload, if any follows, is skipped by the magic scan */
        }
        r = mc_read(mc_rx, len + 4u);
        if (r == BOARD_EOF) {
            return 0;
        }
        if (r != 0) {
            mc_reply(MC_MSG_ERROR, hdr[1], MC_STATUS_TIMEOUT, NULL, 0u);
            continue;
        }
        if (mc_crc32(mc_crc32(0u, hdr, sizeof hdr), mc_rx, len) != mc_get_u32(&mc_rx[len])) {
            mc_reply(MC_MSG_ERROR, hdr[1], MC_STATUS_BAD_CRC, NULL, 0u);
            continue;
        }
        *type = hdr[0];
        *seq = hdr[1];
        *length = len;
        return 1;
    }
}

/* ---------------------------------------------------------------- requests */

static uint32_t mc_strlen63(const char *s)
{
    uint32_t n = 0u;
    while (s != NULL && s[n] != '\0' && n < 63u) {
        ++n;
    }
    return n;
}

static void mc_send_infos(mc_tx_t *tx, const mc_tensor_info_t *infos, uint8_t count)
{
    uint8_t i;
    for (i = 0u; i < count; ++i) {
        uint8_t buf[8u + 4u * MC_MAX_RANK];
        uint8_t rank = infos[i].rank > MC_MAX_RANK ? (uint8_t)MC_MAX_RANK : infos[i].rank;
        uint8_t d;
        buf[0] = infos[i].dtype;
        buf[1] = rank;
        buf[2] = 0u;
        buf[3] = 0u;
        mc_put_u32(&buf[4], infos[i].nbytes);
        for (d = 0u; d < rank; ++d) {
            mc_put_u32(&buf[8u + 4u * d], infos[i].dims[d]);
        }
        mc_tx_data(tx, buf, 8u + 4u * rank);
    }
}

static uint32_t mc_infos_bytes(const mc_tensor_info_t *infos, uint8_t count)
{
    uint32_t n = 0u;
    uint8_t i;
    for (i = 0u; i < count; ++i) {
        n += 8u + 4u * (infos[i].rank > MC_MAX_RANK ? (uint32_t)MC_MAX_RANK : infos[i].rank);
    }
    return n;
}

static void mc_hello(const mc_model_t *m, uint8_t seq, uint8_t count, uint8_t selected)
{
    uint8_t head[28];
    uint8_t nlen = (uint8_t)mc_strlen63(m->name);
    uint8_t blen = (uint8_t)mc_strlen63(m->board);
    uint32_t total;
    uint8_t flags = 0u;
    mc_tx_t tx;

    if (m->tensor != NULL) {
        flags |= MC_FLAG_DEBUG_TENSORS;
    }
    if (m->node_ticks != NULL && board_tick_hz() != 0u) {
        flags |= MC_FLAG_TIMING;
    }
    memset(head, 0, sizeof head);
    head[0] = (uint8_t)MC_STATUS_OK;
    head[1] = (uint8_t)MC_PROTO_VERSION;
    head[2] = flags;
    head[3] = m->input_count;
    head[4] = m->output_count;
    head[5] = count;
    mc_put_u16(&head[6], (uint16_t)MC_PROTO_MAX_CHUNK);
    mc_put_u32(&head[8], m->arena_size);
    mc_put_u32(&head[12], board_tick_hz());
    mc_put_u16(&head[16], m->node_count);
    head[18] = selected;
    memcpy(&head[20], m->sha256_prefix, 8u);
    total = (uint32_t)sizeof head + 2u + nlen + blen + mc_infos_bytes(m->inputs, m->input_count) +
            mc_infos_bytes(m->outputs, m->output_count);
    mc_tx_begin(&tx, (uint8_t)(MC_MSG_HELLO | MC_MSG_RESPONSE), seq, total);
    mc_tx_data(&tx, head, sizeof head);
    mc_tx_data(&tx, &nlen, 1u);
    mc_tx_data(&tx, (const uint8_t *)m->name, nlen);
    mc_tx_data(&tx, &blen, 1u);
    mc_tx_data(&tx, (const uint8_t *)m->board, blen);
    mc_send_infos(&tx, m->inputs, m->input_count);
    mc_send_infos(&tx, m->outputs, m->output_count);
    mc_tx_end(&tx);
}

/* 1 when [offset, offset + n) lies inside [0, size) */
static int mc_in_range(uint32_t offset, uint32_t n, uint32_t size)
{
    return offset <= size && n <= size - offset;
}

typedef struct mc_invoke_cache_t {
    int valid;
    uint8_t seq;
    int32_t last_node;
    int32_t first_node;
    uint8_t reply[16];
} mc_invoke_cache_t;

/* a complete response payload (status byte first) */
static void mc_reply_raw(uint8_t type, uint8_t seq, const uint8_t *payload, uint32_t n)
{
    mc_tx_t tx;
    mc_tx_begin(&tx, type, seq, n);
    mc_tx_data(&tx, payload, n);
    mc_tx_end(&tx);
}

static void mc_invoke(const mc_model_t *m, uint8_t seq, const uint8_t *p, uint32_t len,
                      mc_invoke_cache_t *cache)
{
    int32_t last = -1;
    int32_t first = 0;
    int32_t end;
    int failed = -1;
    int status;
    uint32_t ticks = 0u;
    const uint32_t *node_ticks;
    uint8_t reply[16];
    const uint8_t request_type = (uint8_t)MC_MSG_INVOKE;

    if (len == 4u || len == 8u) {
        last = (int32_t)mc_get_u32(p);
        if (len == 8u) {
            first = (int32_t)mc_get_u32(&p[4]);
        }
    } else if (len != 0u) {
        mc_reply_status(MC_MSG_INVOKE, seq, MC_STATUS_BAD_LENGTH);
        return;
    }
    end = (last < 0) ? (int32_t)m->node_count - 1 : last;
    if (last < -1 || last >= (int32_t)m->node_count || first < 0 || first > end) {
        mc_reply_status(MC_MSG_INVOKE, seq, MC_STATUS_BAD_INDEX);
        return;
    }
    /* a retried INVOKE (same seq, no other request since) gets the answer of the first one:
       the run may have overwritten its inputs, so it must not run twice */
    if (cache->valid && cache->seq == seq && cache->last_node == last && cache->first_node == first) {
        mc_reply_raw((uint8_t)(MC_MSG_INVOKE | MC_MSG_RESPONSE), seq, cache->reply,
                     sizeof cache->reply);
        return;
    }
    mc_reply(MC_MSG_ACCEPTED, seq, MC_STATUS_OK, &request_type, 1u);
    status = m->invoke_range((int)first, (int)last, &failed);
    node_ticks = m->node_ticks != NULL ? m->node_ticks() : NULL;
    if (node_ticks != NULL) {
        int32_t i;
        if (status != 0 && failed >= 0 && failed < end) {
            end = failed;
        }
        for (i = first; i <= end; ++i) {
            ticks += node_ticks[i];
        }
    }
    memset(reply, 0, sizeof reply);
    /* status, 3 reserved, failed node i32, kernel status i32, ticks u32 */
    reply[0] = status == 0 ? (uint8_t)MC_STATUS_OK : (uint8_t)MC_STATUS_INVOKE_FAILED;
    mc_put_u32(&reply[4], (uint32_t)(int32_t)failed);
    mc_put_u32(&reply[8], (uint32_t)(int32_t)status);
    mc_put_u32(&reply[12], ticks);
    cache->valid = 1;
    cache->seq = seq;
    cache->last_node = last;
    cache->first_node = first;
    memcpy(cache->reply, reply, sizeof reply);
    mc_reply_raw((uint8_t)(MC_MSG_INVOKE | MC_MSG_RESPONSE), seq, reply, sizeof reply);
}

static void mc_get_timing(const mc_model_t *m, uint8_t seq, const uint8_t *p, uint32_t len)
{
    uint16_t first;
    uint16_t count;
    const uint32_t *node_ticks;
    uint8_t head[8] = {0};
    mc_tx_t tx;
    uint16_t i;

    if (len != 4u) {
        mc_reply_status(MC_MSG_GET_TIMING, seq, MC_STATUS_BAD_LENGTH);
        return;
    }
    node_ticks = m->node_ticks != NULL ? m->node_ticks() : NULL;
    if (node_ticks == NULL || board_tick_hz() == 0u) {
        mc_reply_status(MC_MSG_GET_TIMING, seq, MC_STATUS_UNSUPPORTED);
        return;
    }
    first = mc_get_u16(p);
    count = mc_get_u16(&p[2]);
    if (count > MC_PROTO_MAX_CHUNK / 4u) {
        mc_reply_status(MC_MSG_GET_TIMING, seq, MC_STATUS_BAD_LENGTH);
        return;
    }
    if (!mc_in_range(first, count, m->node_count)) {
        mc_reply_status(MC_MSG_GET_TIMING, seq, MC_STATUS_BAD_RANGE);
        return;
    }
    head[0] = (uint8_t)MC_STATUS_OK;
    mc_put_u32(&head[4], board_tick_hz());
    mc_tx_begin(&tx, (uint8_t)(MC_MSG_GET_TIMING | MC_MSG_RESPONSE), seq,
                8u + 4u * (uint32_t)count);
    mc_tx_data(&tx, head, sizeof head);
    for (i = 0u; i < count; ++i) {
        uint8_t v[4];
        mc_put_u32(v, node_ticks[first + i]);
        mc_tx_data(&tx, v, 4u);
    }
    mc_tx_end(&tx);
}

/* GET_OUTPUT k / GET_TENSOR index: p = index u32 (k in the low byte for outputs), offset u32,
 * length u32 */
static void mc_get_bytes(const mc_model_t *m, uint8_t type, uint8_t seq, const uint8_t *p,
                         uint32_t len)
{
    uint32_t index;
    uint32_t offset;
    uint32_t n;
    uint32_t size = 0u;
    const uint8_t *base = NULL;

    if (len != 12u) {
        mc_reply_status(type, seq, MC_STATUS_BAD_LENGTH);
        return;
    }
    index = mc_get_u32(p);
    offset = mc_get_u32(&p[4]);
    n = mc_get_u32(&p[8]);
    if (type == MC_MSG_GET_OUTPUT) {
        if (index >= m->output_count) {
            mc_reply_status(type, seq, MC_STATUS_BAD_INDEX);
            return;
        }
        base = (const uint8_t *)m->output((int)index);
        size = m->outputs[index].nbytes;
    } else {
        if (m->tensor == NULL) {
            mc_reply_status(type, seq, MC_STATUS_UNSUPPORTED);
            return;
        }
        base = (const uint8_t *)m->tensor(index, &size);
        if (base == NULL) {
            mc_reply_status(type, seq, MC_STATUS_BAD_INDEX);
            return;
        }
    }
    if (n > MC_PROTO_MAX_CHUNK) {
        mc_reply_status(type, seq, MC_STATUS_BAD_LENGTH);
        return;
    }
    if (!mc_in_range(offset, n, size)) {
        mc_reply_status(type, seq, MC_STATUS_BAD_RANGE);
        return;
    }
    mc_reply_data(type, seq, size, base + offset, n);
}

static void mc_set_input(const mc_model_t *m, uint8_t seq, const uint8_t *p, uint32_t len)
{
    uint32_t k;
    uint32_t offset;
    uint32_t n;

    if (len < 8u) {
        mc_reply_status(MC_MSG_SET_INPUT, seq, MC_STATUS_BAD_LENGTH);
        return;
    }
    k = p[0];
    offset = mc_get_u32(&p[4]);
    n = len - 8u;
    if (k >= m->input_count) {
        mc_reply_status(MC_MSG_SET_INPUT, seq, MC_STATUS_BAD_INDEX);
        return;
    }
    if (!mc_in_range(offset, n, m->inputs[k].nbytes)) {
        mc_reply_status(MC_MSG_SET_INPUT, seq, MC_STATUS_BAD_RANGE);
        return;
    }
    memcpy((uint8_t *)m->input((int)k) + offset, &p[8], n);
    mc_reply_status(MC_MSG_SET_INPUT, seq, MC_STATUS_OK);
}

void mc_proto_serve(const mc_model_t *model)
{
    mc_proto_serve_models(&model, 1u);
}

void mc_proto_serve_models(const mc_model_t *const *models, uint8_t count)
{
    mc_invoke_cache_t cache;
    const mc_model_t *model = models[0];
    uint8_t selected = 0u;
    uint8_t type;
    uint8_t seq;
    uint32_t len;

    memset(&cache, 0, sizeof cache);
    while (mc_recv(&type, &seq, &len)) {
        if (type != MC_MSG_INVOKE) {
            cache.valid = 0; /* only a resend, with nothing in between, reuses an INVOKE answer */
        }
        switch (type) {
        case MC_MSG_HELLO:
            mc_hello(model, seq, count, selected);
            break;
        case MC_MSG_SELECT:
            if (len < 1u) {
                mc_reply_status(MC_MSG_SELECT, seq, MC_STATUS_BAD_LENGTH);
            } else if (mc_rx[0] >= count) {
                mc_reply_status(MC_MSG_SELECT, seq, MC_STATUS_BAD_INDEX);
            } else {
                selected = mc_rx[0];
                model = models[selected];
                mc_reply_status(MC_MSG_SELECT, seq, MC_STATUS_OK);
            }
            break;
        case MC_MSG_SET_INPUT:
            mc_set_input(model, seq, mc_rx, len);
            break;
        case MC_MSG_INVOKE:
            mc_invoke(model, seq, mc_rx, len, &cache);
            break;
        case MC_MSG_GET_OUTPUT:
        case MC_MSG_GET_TENSOR:
            mc_get_bytes(model, type, seq, mc_rx, len);
            break;
        case MC_MSG_GET_TIMING:
            mc_get_timing(model, seq, mc_rx, len);
            break;
        default:
            mc_reply_status((uint8_t)(type & 0x7Fu), seq, MC_STATUS_BAD_TYPE);
            break;
        }
    }
}
