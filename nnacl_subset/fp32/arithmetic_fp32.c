/*
 * arithmetic_fp32.c -- fp32 element-wise binary ops with broadcasting. Every op is a
 * "run" function over a contiguous output run whose inputs advance by a stride of 0 or
 * 1 elements; the shared driver splits the output into such runs (the whole tensor for
 * the same-shape and scalar variants, innermost rows for the general broadcast).
 */
#include "fp32/arithmetic_fp32.h"

typedef void (*arith_run_fp32_t)(const float *a, int32_t sa, const float *b, int32_t sb, float *out, int32_t n,
                                 int32_t act);

static void arith_drive_fp32(const arith_param_t *param, const float *a, const float *b, float *out,
                             arith_run_fp32_t run) {
  switch (param->variant) {
    case ARITH_SAME_SHAPE:
      run(a, 1, b, 1, out, param->size, param->act_type);
      return;
    case ARITH_SCALAR0:
      run(a, 0, b, 1, out, param->size, param->act_type);
      return;
    case ARITH_SCALAR1:
      run(a, 1, b, 0, out, param->size, param->act_type);
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
        run(a + off_a, sa, b + off_b, sb, out + offset, inner, param->act_type);
        offset += (size_t)inner;
        /* advance the multi-index over the outer dims (odometer) */
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

static void run_add(const float *a, int32_t sa, const float *b, int32_t sb, float *out, int32_t n, int32_t act) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    out[i] = nnacl_act_fp32(a[i * sa] + b[i * sb], act);
  }
}

static void run_sub(const float *a, int32_t sa, const float *b, int32_t sb, float *out, int32_t n, int32_t act) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    out[i] = nnacl_act_fp32(a[i * sa] - b[i * sb], act);
  }
}

static void run_mul(const float *a, int32_t sa, const float *b, int32_t sb, float *out, int32_t n, int32_t act) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    out[i] = nnacl_act_fp32(a[i * sa] * b[i * sb], act);
  }
}

static void run_div(const float *a, int32_t sa, const float *b, int32_t sb, float *out, int32_t n, int32_t act) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    out[i] = nnacl_act_fp32(a[i * sa] / b[i * sb], act);
  }
}

static void run_max(const float *a, int32_t sa, const float *b, int32_t sb, float *out, int32_t n, int32_t act) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const float x = a[i * sa], y = b[i * sb];
    out[i] = nnacl_act_fp32(x >= y ? x : y, act);
  }
}

static void run_min(const float *a, int32_t sa, const float *b, int32_t sb, float *out, int32_t n, int32_t act) {
  int32_t i;
  for (i = 0; i < n; ++i) {
    const float x = a[i * sa], y = b[i * sb];
    out[i] = nnacl_act_fp32(x <= y ? x : y, act);
  }
}

void add_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output) {
  arith_drive_fp32(param, input0, input1, output, run_add);
}

void sub_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output) {
  arith_drive_fp32(param, input0, input1, output, run_sub);
}

void mul_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output) {
  arith_drive_fp32(param, input0, input1, output, run_mul);
}

void div_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output) {
  arith_drive_fp32(param, input0, input1, output, run_div);
}

void maximum_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output) {
  arith_drive_fp32(param, input0, input1, output, run_max);
}

void minimum_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output) {
  arith_drive_fp32(param, input0, input1, output, run_min);
}
