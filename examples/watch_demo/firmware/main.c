/* watch_demo firmware: always-on wake word (str_ww_ref_model) -> keyword spotting (kws_ref_model).
 *
 * Audio arrives over the UART in blocks of WW hop samples (512, 32 ms at 16 kHz); see
 * examples/watch_demo/README.md ("Serial protocol"). Per block:
 *   1. the wake-word front end (LFBE, 40 bands) turns the block into one feature frame;
 *   2. once 30 frames are there, ww_invoke() scores the last 30 (0.99 s); a score > 115 on class 0
 *      is a detection (at most one per second);
 *   3. after a detection the KWS front end (MFCC, 10 coefficients, its own 320-sample hop) starts
 *      KWS_DELAY samples later and runs on the next 160 + 49 * 320 samples; then kws_invoke().
 * Every result goes back as one text line with its sample index and the instructions (QEMU: SysTick
 * ticks x ns per tick under -icount shift=0) or cycles (DWT) each stage took.
 * Both models share one arena (mc_shared_arena): they run one after the other, never together.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "audio/audio_feature_fp32.h"
#include "kws.h"
#include "kws_feature_params.h"
#include "mc_shared_arena.h"
#include "sww_feature_params.h"
#include "ww.h"
#ifdef WATCH_DEMO_PDM
#include "pdm_nrf52840.h"
#endif

#define BLOCK SWW_FEATURE_HOP                 /* samples per UART block = the wake-word hop */
#define WW_FRAMES SWW_FEATURE_FRAMES
#define WW_BINS SWW_FEATURE_OUT
#define KWS_HOP KWS_FEATURE_HOP
#define KWS_FRAMES KWS_FEATURE_FRAMES
#define KWS_COEFFS KWS_FEATURE_OUT
#define KWS_LEAD (KWS_FEATURE_HOP / 2)        /* zeros before the first KWS sample (frame 1 starts there) */
#define KWS_DELAY 4800u                       /* 0.3 s: the wake word fires while "marvin" is still said */
#define WW_THRESHOLD 115                      /* int8 score: p > 0.95 (MLPerf Tiny sww reference) */
#define WW_REFRACTORY 16000u                  /* 1 s between two detections */
#ifndef WW_STRIDE
#define WW_STRIDE 1u                          /* score every WW_STRIDE-th window (make WW_STRIDE=2) */
#endif

static float ww_buf[SWW_FEATURE_BUFFER_FLOATS];
static float kws_buf[KWS_FEATURE_BUFFER_FLOATS];
static audio_feature_state_t ww_fe, kws_fe;
static int8_t ww_window[WW_FRAMES * WW_BINS];  /* the last 30 frames, oldest first */
static int8_t kws_feats[KWS_FRAMES * KWS_COEFFS];
static int16_t kws_hop[KWS_HOP];
#ifdef WATCH_DEMO_PDM
static int16_t pdm_buffers[3 * BLOCK];
#else
static int16_t block[BLOCK];
#endif

/* totals for the budget (instructions or cycles) */
static uint64_t tot_ww_fe, tot_ww, tot_kws_fe, tot_kws;
static uint32_t n_windows, n_detections, n_kws;

static uint32_t now(void) { return board_cycles(); }

/* instructions (QEMU: 1 tick = 1e9 / cpu_hz instructions) or DWT cycles */
static uint32_t cost(uint32_t t0, uint32_t t1)
{
#if BOARD_HAS_DWT_CYCCNT
    return t1 - t0;
#else
    return (t1 - t0) * (1000000000u / BOARD_CPU_HZ);
#endif
}

static void put_i32(int32_t v)
{
    if (v < 0) {
        board_uart_putc('-');
        board_put_u32((uint32_t)(-v));
    } else {
        board_put_u32((uint32_t)v);
    }
}

#ifndef WATCH_DEMO_PDM
static void put_u64(uint64_t v)
{
    char s[24];
    int n = 0;
    do {
        s[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v);
    while (n) {
        board_uart_putc((uint8_t)s[--n]);
    }
}

static void put_kv(const char *key, uint64_t v)
{
    board_puts("S ");
    board_puts(key);
    board_uart_putc(' ');
    put_u64(v);
    board_uart_putc('\n');
}
#endif

/* KWS state: kws_at = first sample of the KWS second, kws_fill = samples in kws_hop */
static int kws_armed;
static uint32_t kws_at, kws_fill, kws_frames, kws_fe_cost;
static uint32_t last_detection;
static int any_detection;

static void kws_start(uint32_t at)
{
    kws_armed = 1;
    kws_at = at;
    audio_feature_init(&kws_fe, &kws_feature_params, kws_buf, KWS_FEATURE_BUFFER_FLOATS);
    memset(kws_hop, 0, sizeof(kws_hop));
    kws_fill = KWS_LEAD;
    kws_frames = 0;
    kws_fe_cost = 0;
}

static void kws_finish(void)
{
    int failed = -1;
    uint32_t t0 = now();
    int rc;
    memcpy(kws_input(0), kws_feats, sizeof(kws_feats));
    rc = kws_invoke(&failed);
    uint32_t c = cost(t0, now());
    const int8_t *o = (const int8_t *)kws_output(0);
    int k;
    tot_kws += c;
    ++n_kws;
    board_puts("K ");
    board_put_u32(kws_at);
    for (k = 0; k < (int)KWS_OUTPUT_0_ELEMENTS; ++k) {
        board_uart_putc(' ');
        put_i32(o[k]);
    }
    board_uart_putc(' ');
    board_put_u32(kws_fe_cost);
    board_uart_putc(' ');
    board_put_u32(c);
    board_uart_putc(' ');
    put_i32(rc);
    board_uart_putc('\n');
    kws_armed = 0;
}

/* one KWS sample (index `pos` in the stream) */
static void kws_sample(uint32_t pos, int16_t s)
{
    if (!kws_armed || pos < kws_at) {
        return;
    }
    kws_hop[kws_fill++] = s;
    if (kws_fill == KWS_HOP) {
        int8_t frame[KWS_COEFFS];
        uint32_t t0 = now();
        audio_feature_push(&kws_fe, kws_hop, frame);
        kws_fe_cost += cost(t0, now());
        if (kws_frames > 0) {                 /* frame 0 ends KWS_LEAD samples in: dropped */
            memcpy(&kws_feats[(kws_frames - 1) * KWS_COEFFS], frame, KWS_COEFFS);
        }
        ++kws_frames;
        kws_fill = 0;
        if (kws_frames == KWS_FRAMES + 1) {
            tot_kws_fe += kws_fe_cost;
            kws_finish();
        }
    }
}

static void process_block(const int16_t *samples, uint32_t pos)
{
    int8_t frame[WW_BINS];
    uint32_t t0 = now(), i;
    uint32_t c_fe, c_ww;
    audio_feature_push(&ww_fe, samples, frame);
    c_fe = cost(t0, now());
    tot_ww_fe += c_fe;
    memmove(ww_window, ww_window + WW_BINS, (WW_FRAMES - 1) * WW_BINS);
    memcpy(ww_window + (WW_FRAMES - 1) * WW_BINS, frame, WW_BINS);
    const uint32_t end = pos + BLOCK;                 /* window end: sample index after the block */
    if (end / BLOCK >= WW_FRAMES && (end / BLOCK - WW_FRAMES) % WW_STRIDE == 0u) {
        int failed = -1, rc, k;
        memcpy(ww_input(0), ww_window, sizeof(ww_window));
        t0 = now();
        rc = ww_invoke(&failed);
        c_ww = cost(t0, now());
        tot_ww += c_ww;
        ++n_windows;
        const int8_t *o = (const int8_t *)ww_output(0);
        board_puts("W ");
        board_put_u32(end);
        for (k = 0; k < (int)WW_OUTPUT_0_ELEMENTS; ++k) {
            board_uart_putc(' ');
            put_i32(o[k]);
        }
        board_uart_putc(' ');
        board_put_u32(c_fe);
        board_uart_putc(' ');
        board_put_u32(c_ww);
        board_uart_putc(' ');
        put_i32(rc);
        board_uart_putc('\n');
        if (o[0] > WW_THRESHOLD && !kws_armed && (!any_detection || end - last_detection > WW_REFRACTORY)) {
            any_detection = 1;
            last_detection = end;
            ++n_detections;
            board_puts("D ");
            board_put_u32(end);
            board_uart_putc('\n');
            kws_start(end + KWS_DELAY);
        }
    }
    for (i = 0; i < BLOCK; ++i) {
        kws_sample(pos + i, samples[i]);
    }
}

int main(void)
{
    uint32_t pos = 0;
    audio_feature_init(&ww_fe, &sww_feature_params, ww_buf, SWW_FEATURE_BUFFER_FLOATS);
    ww_init();
    kws_init();
    board_puts("R watch_demo " BOARD_NAME " block ");
    board_put_u32(BLOCK);
    board_puts(" hz ");
    board_put_u32(BOARD_CPU_HZ);
    board_puts(" unit ");
    board_puts(BOARD_HAS_DWT_CYCCNT ? "cycles" : "instructions");
    board_puts(" arena ");
    board_put_u32(MC_SHARED_ARENA_SIZE);
    board_uart_putc('\n');
    board_puts(".\n");
#ifdef WATCH_DEMO_PDM
    /* the microphone instead of the UART: events go out as above, forever */
    pdm_start(pdm_buffers, BLOCK);
    for (;;) {
        process_block(pdm_wait_hop(), pos);
        pos += BLOCK;
    }
#else
    for (;;) {
        int cmd = board_uart_getc();
        if (cmd == 'B') {                            /* one block: BLOCK int16 little endian */
            board_uart_read(block, sizeof(block));
            process_block(block, pos);
            pos += BLOCK;
            board_puts(".\n");
        } else if (cmd == 'E') {                     /* end of audio: totals, then exit 0 */
            put_kv("samples", pos);
            put_kv("windows", n_windows);
            put_kv("detections", n_detections);
            put_kv("kws_runs", n_kws);
            put_kv("ww_fe", tot_ww_fe);
            put_kv("ww", tot_ww);
            put_kv("kws_fe", tot_kws_fe);
            put_kv("kws", tot_kws);
            board_puts(".\n");
            board_uart_flush();
            board_exit(0);
        }
    }
#endif
}
