/*
 * mc_insn_count.c -- a QEMU TCG plugin that counts executed guest instructions exactly and
 * records the running count each time the guest reaches a marker address.
 *
 *   qemu-system-arm ... -plugin ./mc_insn_count.so,out=marks.txt,mark=0x1234[,skip=0x2000-0x2040]...
 *
 * out=FILE   one line per marker hit: the number of instructions executed before the marker's
 *            translation block (written and flushed at once, so the file is complete even if
 *            QEMU is killed)
 * mark=ADDR  the entry address of a function the firmware calls between the pieces it wants
 *            measured (micro_codegen: mc_bench_mark() around every node of an inference)
 * skip=LO-HI instructions of translation blocks starting in [LO, HI) are not counted
 *            (interrupt handlers such as SysTick_Handler, so that counts do not depend on when
 *            a timer interrupt happens to fire); may be given several times
 *
 * Counting is per translation block: when a block is translated, an inline "add n" on the counter
 * is attached to it (n = its instruction count), which QEMU runs every time the block executes.
 * Under -icount QEMU retranslates a shorter block when an interrupt must be taken mid-block, and
 * that block gets its own, shorter add, so the count stays exact.
 *
 * Debian's qemu-system-arm exports the plugin API but does not ship qemu-plugin.h, so the few
 * functions and types this plugin uses are declared below (plugin API version 1, QEMU 4.2 .. 8.x).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op, void *ptr,
                                              uint64_t imm);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

#define EXPORT __attribute__((visibility("default")))
#define MAX_SKIP 16

EXPORT int qemu_plugin_version = 1;

static uint64_t s_count;          /* instructions executed so far (the guest has one vCPU) */
static uint64_t s_mark = UINT64_MAX;
static uint64_t s_skip_lo[MAX_SKIP], s_skip_hi[MAX_SKIP];
static int s_skips;
static FILE *s_out;

static int skipped(uint64_t pc) {
  int i;
  for (i = 0; i < s_skips; ++i) {
    if (pc >= s_skip_lo[i] && pc < s_skip_hi[i]) {
      return 1;
    }
  }
  return 0;
}

static void on_mark(unsigned int vcpu_index, void *userdata) {
  (void)vcpu_index;
  (void)userdata;
  fprintf(s_out, "%llu\n", (unsigned long long)s_count);
  fflush(s_out);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  const uint64_t pc = qemu_plugin_tb_vaddr(tb);
  (void)id;
  if (pc == s_mark) {
    /* registered before the add: the marker block's own instructions count after the mark */
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
  }
  if (!skipped(pc)) {
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &s_count, qemu_plugin_tb_n_insns(tb));
  }
}

static void on_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  fprintf(s_out, "end %llu\n", (unsigned long long)s_count);
  fclose(s_out);
}

static int parse_addr(const char *s, uint64_t *v) {
  char *end;
  *v = strtoull(s, &end, 0);
  return end != s;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  const char *out = NULL;
  int i;
  (void)info;
  for (i = 0; i < argc; ++i) {
    const char *a = argv[i];
    if (strncmp(a, "out=", 4) == 0) {
      out = a + 4;
    } else if (strncmp(a, "mark=", 5) == 0 && parse_addr(a + 5, &s_mark)) {
      s_mark &= ~(uint64_t)1; /* a Thumb symbol's bit 0 is not part of the address */
    } else if (strncmp(a, "skip=", 5) == 0 && s_skips < MAX_SKIP && strchr(a, '-') != NULL &&
               parse_addr(a + 5, &s_skip_lo[s_skips]) && parse_addr(strchr(a, '-') + 1, &s_skip_hi[s_skips])) {
      s_skip_lo[s_skips] &= ~(uint64_t)1;
      ++s_skips;
    } else {
      fprintf(stderr, "mc_insn_count: bad argument '%s' (expected out=FILE, mark=ADDR, skip=LO-HI)\n", a);
      return -1;
    }
  }
  s_out = out != NULL ? fopen(out, "w") : NULL;
  if (s_out == NULL) {
    fprintf(stderr, "mc_insn_count: cannot write '%s' (give out=FILE)\n", out != NULL ? out : "");
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_exit, NULL);
  return 0;
}
