/*
 * arithmetic_int8.c -- int8 Add / Sub / Mul with broadcasting (TFLite reference integer
 * arithmetic, see common/arithmetic_param.h). Same run/driver structure as the fp32 file.
 */
#include "int8/arithmetic_int8.h"

typedef void (*arith_run_int8_t)(const arith_param_t *param, const int8_t *a, int32_t sa, const int8_t *b,
                                 int32_t sb, int8_t *out, int32_t n);

static void arith_drive_int8(const arith_param_t *param, const int8_t *a, const int8_t *b, int8_t *out,
                             arith_run_int8_t run) {
  switch (param->variant) {
    case ARITH_SAME_SHAPE:
      run(param, a, 1, b, 1, out, param->size);
      return;
    case ARITH_SCALAR0:
      run(param, a, 0, b, 1, out, param->size);
      return;
    case ARITH_SCALAR1:
      run(param, a, 1, b, 0, out, param->size);
      return;
    default: {
      const int32_t nd = param->ndim;
      const int32_t inner = param->out_shape[nd - 1];
      const int32_t sa = param->in0_strides[nd - 1], sb = param->in1_strides[nd - 1];
      int32_t idx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
      size_t offset = 0, off_a = 0, off_b = 0;
      int32_t d;
      if (param->size <= 0) {
        return;
      }
      for (;;) {
        run(param, a + off_a, sa, b + off_b, sb, out + offset, inner);
        offset += (size_t)inner;
        for (d = nd - 2; d >= 0; --d) {
          ++idx[d];
          off_a += (size_t)param->in0_strides[d];
          off_b += (size_t)param->in1_strides[d];
          if (idx[d] < param->out_shape[d]) {
            break;
          }
          off_a -= (size_t)param->in0_strides[d] * (size_t)param->out_shape[d];
          off_b -= (size_t)param->in1_strides[d] * (size_t)param->out_shape[d];
          idx[d] = 0;
        }
        if (d < 0) {
          return;
        }
      }
    }
  }
}

static void run_add_sub_int8(const arith_param_t *param, const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
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
}

static void run_add_int8(const arith_param_t *param, const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
                         int8_t *out, int32_t n) {
  run_add_sub_int8(param, a, sa, b, sb, out, n, 0);
}

static void run_sub_int8(const arith_param_t *param, const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
                         int8_t *out, int32_t n) {
  run_add_sub_int8(param, a, sa, b, sb, out, n, 1);
}

static void run_mul_int8(const arith_param_t *param, const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
                         int8_t *out, int32_t n) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const int32_t prod = ((int32_t)a[i * sa] + param->in0_offset) * ((int32_t)b[i * sb] + param->in1_offset);
    out[i] = nnacl_requant_i8(prod, param->out_multiplier, param->out_shift, param->rounding, param->out_offset,
                              param->act_min, param->act_max);
  }
}

void add_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output) {
  arith_drive_int8(param, input0, input1, output, run_add_int8);
}

void sub_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output) {
  arith_drive_int8(param, input0, input1, output, run_sub_int8);
}

void mul_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output) {
  arith_drive_int8(param, input0, input1, output, run_mul_int8);
}
