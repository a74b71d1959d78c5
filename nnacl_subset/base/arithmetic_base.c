/*
 * arithmetic_base.c -- the broadcast driver of the element-wise binary kernels: the output
 * is split into contiguous runs whose inputs advance by 0 or 1 element (the whole tensor
 * for the same-shape and scalar variants, the innermost dim of the general broadcast).
 */
#include "base/arithmetic_base.h"

int arith_broadcast_apply(const arith_param_t *param, const void *in0, size_t in0_bytes, const void *in1,
                          size_t in1_bytes, void *out, size_t out_bytes, arith_run_t run) {
  const uint8_t *a = (const uint8_t *)in0;
  const uint8_t *b = (const uint8_t *)in1;
  uint8_t *o = (uint8_t *)out;
  switch (param->variant) {
    case ARITH_SAME_SHAPE:
      return run(param, a, 1, b, 1, o, param->size);
    case ARITH_SCALAR0:
      return run(param, a, 0, b, 1, o, param->size);
    case ARITH_SCALAR1:
      return run(param, a, 1, b, 0, o, param->size);
    case ARITH_BROADCAST: {
      const int32_t nd = param->ndim;
      int32_t inner, idx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
      size_t off_o = 0, off_a = 0, off_b = 0; /* element offsets */
      int32_t d;
      if (nd < 1 || nd > NNACL_MAX_DIMS) {
        return NNACL_ERR_PARAM;
      }
      if (param->size <= 0) {
        return NNACL_OK;
      }
      inner = param->out_shape[nd - 1];
      for (;;) {
        const int status = run(param, a + off_a * in0_bytes, param->in0_strides[nd - 1], b + off_b * in1_bytes,
                               param->in1_strides[nd - 1], o + off_o * out_bytes, inner);
        if (status != NNACL_OK) {
          return status;
        }
        off_o += (size_t)inner;
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
          return NNACL_OK;
        }
      }
    }
    default:
      return NNACL_ERR_PARAM;
  }
}
