/*
 * board_host.c -- board.h on a POSIX host: the protocol link is the process's
 * stdin/stdout pipe (raw read/write, no stdio buffering), ticks are CLOCK_MONOTONIC ns.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "board.h"

static uint8_t rx_buf[4096];
static size_t rx_len;
static size_t rx_pos;

void board_init(void)
{
}

/* wait_ms < 0: block */
static int host_getc(int wait_ms)
{
    struct pollfd pfd;

    if (rx_pos < rx_len) {
        return rx_buf[rx_pos++];
    }
    pfd.fd = STDIN_FILENO;
    pfd.events = POLLIN;
    pfd.revents = 0;
    for (;;) {
        ssize_t n;
        int ready = poll(&pfd, 1, wait_ms);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            return BOARD_EOF;
        }
        if (ready == 0) {
            return -1;
        }
        n = read(STDIN_FILENO, rx_buf, sizeof rx_buf);
        if (n > 0) {
            rx_len = (size_t)n;
            rx_pos = 1;
            return rx_buf[0];
        }
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            return BOARD_EOF;
        }
    }
}

int board_uart_getc(void)
{
    return host_getc(-1);
}

int board_uart_getc_timeout(uint32_t timeout_ms)
{
    return host_getc(timeout_ms > 0x7FFFFFFFu ? -1 : (int)timeout_ms);
}

void board_uart_write(const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    while (len > 0) {
        ssize_t done = write(STDOUT_FILENO, p, len);
        if (done < 0) {
            if (errno == EINTR) {
                continue;
            }
            exit(3); /* the host side closed the pipe */
        }
        p += done;
        len -= (size_t)done;
    }
}

uint64_t board_ticks(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint32_t board_tick_hz(void)
{
    return 1000000000u;
}

void board_exit(int code)
{
    exit(code);
}
