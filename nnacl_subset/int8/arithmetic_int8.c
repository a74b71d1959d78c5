/*
 * arithmetic_int8.c -- quantized int8 Add / Sub / Mul with broadcasting (TFLite reference
 * integer arithmetic, see common/arithmetic_param.h): one run function per op over a
 * contiguous output run, driven by arith_broadcast_apply (base/arithmetic_base.c).
 */
#include "int8/arithmetic_int8.h"

#include "base/arithmetic_base.h"

static int run_add_sub_int8(const arith_param_t *param, const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
                            int8_t *out, int32_t n, int32_t negate) {
  const int32_t rnd = param->rounding;
  const int32_t ls = param->left_shift;
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t xa = ((int32_t)a[i * sa] + param->in0_offset) * (1 << ls);
    const int32_t xb = ((int32_t)b[i * sb] + param->in1_offset) * (1 << ls);
    const int32_t va = nnacl_mbqm(xa, param->in0_multiplier, param->in0_shift, rnd);
    const int32_t vb = nnacl_mbqm(xb, param->in1_multiplier, param->in1_shift, rnd);
    const int32_t raw = negate ? va - vb : va + vb;
    out[i] = nnacl_requant_i8(raw, param->out_multiplier, param->out_shift, rnd, param->out_offset, param->act_min,
                              param->act_max);
  }
  return NNACL_OK;
}

static int run_add_int8(const arith_param_t *param, const void *a, int32_t sa, const void *b, int32_t sb, void *out,
                        int32_t n) {
  return run_add_sub_int8(param, (const int8_t *)a, sa, (const int8_t *)b, sb, (int8_t *)out, n, 0);
}

static int run_sub_int8(const arith_param_t *param, const void *a, int32_t sa, const void *b, int32_t sb, void *out,
                        int32_t n) {
  return run_add_sub_int8(param, (const int8_t *)a, sa, (const int8_t *)b, sb, (int8_t *)out, n, 1);
}

static int run_mul_int8(const arith_param_t *param, const void *in0, int32_t sa, const void *in1, int32_t sb,
                        void *out_, int32_t n) {
  const int8_t *a = (const int8_t *)in0;
  const int8_t *b = (const int8_t *)in1;
  int8_t *out = (int8_t *)out_;
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t prod = ((int32_t)a[i * sa] + param->in0_offset) * ((int32_t)b[i * sb] + param->in1_offset);
    out[i] = nnacl_requant_i8(prod, param->out_multiplier, param->out_shift, param->rounding, param->out_offset,
                              param->act_min, param->act_max);
  }
  return NNACL_OK;
}

void add_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output) {
  (void)arith_broadcast_apply(param, input0, 1, input1, 1, output, 1, run_add_int8);
}

void sub_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output) {
  (void)arith_broadcast_apply(param, input0, 1, input1, 1, output, 1, run_sub_int8);
}

void mul_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output) {
  (void)arith_broadcast_apply(param, input0, 1, input1, 1, output, 1, run_mul_int8);
}
