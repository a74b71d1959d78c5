/*
 * board.h (host) -- the part of the board interface the validation firmware uses,
 * implemented on a POSIX host: the "UART" is the process's stdin/stdout pipe.
 * Cortex-M boards render their own board.h (templates/c/cortex_m/board.h.j2) with
 * the same functions.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stddef.h>
#include <stdint.h>

#define BOARD_NAME "host"
#define BOARD_EOF (-2) /* host only: board_uart_getc*() when stdin is closed for good */

void board_init(void);

/* next received byte 0..255 (blocking) */
int board_uart_getc(void);
/* next received byte 0..255, or -1 after timeout_ms milliseconds without one */
int board_uart_getc_timeout(uint32_t timeout_ms);
void board_uart_write(const void *data, size_t len);

/* monotonic tick counter (ns) and its rate */
uint64_t board_ticks(void);
uint32_t board_tick_hz(void);

/* exit the process with `code` */
void board_exit(int code) __attribute__((noreturn));

#endif /* BOARD_H */
