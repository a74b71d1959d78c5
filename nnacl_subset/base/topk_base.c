/*
 * topk_base.c -- TopK as an ArgMax with top_k = k that writes values and indices in one pass.
 */
#include "base/topk_base.h"

#include "base/arg_min_max_base.h"

static arg_min_max_param_t topk_as_arg_max(const topk_param_t *param) {
  arg_min_max_param_t p;
  p.outer = param->outer;
  p.axis_size = param->axis_size;
  p.inner = param->inner;
  p.top_k = param->k;
  p.is_min = 0;
  p.out_kind = param->index_kind == TOPK_INDEX64 ? ARG_MIN_MAX_OUT_INDEX64 : ARG_MIN_MAX_OUT_INDEX32;
  return p;
}

#define TOPK_KERNEL(SUFFIX, T)                                                                  \
  void topk_##SUFFIX(const topk_param_t *param, const T *input, T *values, void *indices) {     \
    const arg_min_max_param_t p = topk_as_arg_max(param);                                       \
    arg_min_max_select_##SUFFIX(&p, input, values, indices);                                    \
  }

TOPK_KERNEL(int8, int8_t)
TOPK_KERNEL(int16, int16_t)
TOPK_KERNEL(int32, int32_t)
TOPK_KERNEL(int64, int64_t)
TOPK_KERNEL(uint8, uint8_t)
TOPK_KERNEL(uint16, uint16_t)
TOPK_KERNEL(uint32, uint32_t)
TOPK_KERNEL(uint64, uint64_t)
TOPK_KERNEL(fp16, uint16_t)
TOPK_KERNEL(fp32, float)
