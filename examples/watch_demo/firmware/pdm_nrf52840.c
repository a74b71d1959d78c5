/* PDM microphone on the nRF52840: see pdm_nrf52840.h. */
#include "pdm_nrf52840.h"

#define REG32(addr) (*(volatile uint32_t *)(addr))

#define CLOCK_BASE 0x40000000u
#define CLOCK_TASKS_HFCLKSTART REG32(CLOCK_BASE + 0x000u)
#define CLOCK_EVENTS_HFCLKSTARTED REG32(CLOCK_BASE + 0x100u)

#define P0_BASE 0x50000000u
#define P0_OUTCLR REG32(P0_BASE + 0x50Cu)
#define P0_PIN_CNF(n) REG32(P0_BASE + 0x700u + 4u * (n))

#define PDM_BASE 0x4001D000u
#define PDM_TASKS_START REG32(PDM_BASE + 0x000u)
#define PDM_EVENTS_STARTED REG32(PDM_BASE + 0x100u)
#define PDM_EVENTS_END REG32(PDM_BASE + 0x108u)
#define PDM_ENABLE REG32(PDM_BASE + 0x500u)
#define PDM_PDMCLKCTRL REG32(PDM_BASE + 0x504u)
#define PDM_MODE REG32(PDM_BASE + 0x508u)
#define PDM_GAINL REG32(PDM_BASE + 0x518u)
#define PDM_GAINR REG32(PDM_BASE + 0x51Cu)
#define PDM_RATIO REG32(PDM_BASE + 0x520u)
#define PDM_PSEL_CLK REG32(PDM_BASE + 0x540u)
#define PDM_PSEL_DIN REG32(PDM_BASE + 0x544u)
#define PDM_SAMPLE_PTR REG32(PDM_BASE + 0x560u)
#define PDM_SAMPLE_MAXCNT REG32(PDM_BASE + 0x564u)

#define PDMCLKCTRL_1280K 0x0A000000u
#define RATIO_80 1u
#define MODE_MONO_LEFT_FALLING 1u    /* OPERATION = Mono (bit 0), EDGE = LeftFalling (bit 1 = 0) */
#define GAIN_DEFAULT 0x28u           /* 0 dB */

static int16_t *s_buf[3];
static uint32_t s_hop;
static uint32_t s_filling;           /* index of the buffer the DMA is filling */

void pdm_start(int16_t *buffers, uint32_t hop)
{
    uint32_t k;
    for (k = 0; k < 3u; ++k) {
        s_buf[k] = buffers + k * hop;
    }
    s_hop = hop;
    s_filling = 0;

    CLOCK_EVENTS_HFCLKSTARTED = 0;   /* the crystal: the PDM clock derives from HFCLK */
    CLOCK_TASKS_HFCLKSTART = 1;
    while (CLOCK_EVENTS_HFCLKSTARTED == 0) {
    }

    P0_OUTCLR = 1u << PDM_CLK_PIN;   /* CLK: output, low, input buffer disconnected */
    P0_PIN_CNF(PDM_CLK_PIN) = 0x3u;
    P0_PIN_CNF(PDM_DIN_PIN) = 0x0u;  /* DIN: input, connected */

    PDM_PDMCLKCTRL = PDMCLKCTRL_1280K;
    PDM_RATIO = RATIO_80;
    PDM_MODE = MODE_MONO_LEFT_FALLING;
    PDM_GAINL = GAIN_DEFAULT;
    PDM_GAINR = GAIN_DEFAULT;
    PDM_PSEL_CLK = PDM_CLK_PIN;      /* port 0, CONNECT (bit 31) = 0: connected */
    PDM_PSEL_DIN = PDM_DIN_PIN;
    PDM_SAMPLE_PTR = (uint32_t)(uintptr_t)s_buf[0];
    PDM_SAMPLE_MAXCNT = s_hop;       /* mono: one int16 per sample */
    PDM_ENABLE = 1;
    PDM_EVENTS_STARTED = 0;
    PDM_EVENTS_END = 0;
    PDM_TASKS_START = 1;
    while (PDM_EVENTS_STARTED == 0) { /* buffer 0 latched: name the next one */
    }
    PDM_EVENTS_STARTED = 0;
    PDM_SAMPLE_PTR = (uint32_t)(uintptr_t)s_buf[1];
}

const int16_t *pdm_wait_hop(void)
{
    const int16_t *done;
    while (PDM_EVENTS_END == 0) {
    }
    PDM_EVENTS_END = 0;
    done = s_buf[s_filling];
    s_filling = (s_filling + 1u) % 3u;
    while (PDM_EVENTS_STARTED == 0) { /* the next buffer is latched: queue the one after it */
    }
    PDM_EVENTS_STARTED = 0;
    PDM_SAMPLE_PTR = (uint32_t)(uintptr_t)s_buf[(s_filling + 1u) % 3u];
    return done;
}
