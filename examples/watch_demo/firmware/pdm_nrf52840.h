/* PDM microphone on the nRF52840 (PDM peripheral + EasyDMA), 16 kHz mono int16, polled.
 *
 * Compile-checked only (run_demo.py --board nrf52840dk --pdm): the DK has no microphone, wire a
 * PDM one (e.g. a Knowles SPH0641 / ST MP34DT05 breakout) to PDM_CLK_PIN / PDM_DIN_PIN.
 * Registers: nRF52840 Product Specification v1.7, chapter "PDM - Pulse density modulation
 * interface" (base 0x4001D000) and "CLOCK" (HFXO start). 1.280 MHz PDM clock / ratio 80 =
 * 16 kHz exactly (the PS's table of PDMCLKCTRL x RATIO).
 */
#ifndef PDM_NRF52840_H
#define PDM_NRF52840_H

#include <stdint.h>

#ifndef PDM_CLK_PIN
#define PDM_CLK_PIN 26u      /* P0.26 (free on the DK's Arduino header: D-pin) */
#endif
#ifndef PDM_DIN_PIN
#define PDM_DIN_PIN 27u      /* P0.27 */
#endif

/* Starts the HFXO and the PDM: `hop` samples per buffer, three buffers of `hop` int16 each in
 * `buffers` (one filling, one latched next, one with the application). */
void pdm_start(int16_t *buffers, uint32_t hop);

/* Waits until the next buffer is full and returns it; it stays untouched until two more
 * buffers have been filled (2 x hop / 16 kHz: 64 ms for a 512-sample hop). */
const int16_t *pdm_wait_hop(void);

#endif /* PDM_NRF52840_H */
