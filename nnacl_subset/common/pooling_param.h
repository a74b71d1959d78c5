/* pooling_param.h -- parameters of AvgPool / MaxPool (NHWC): fp32 and int8 kernels, and the
 * dtype-generic max pools of base/pooling_base.h (with an optional argmax output).
 * Quantized pools need equal input and output quantization (TFLite), so there is no rescale. */
#ifndef NNACL_COMMON_POOLING_PARAM_H_
#define NNACL_COMMON_POOLING_PARAM_H_

#include "common/nnacl_common.h"

/* element type of the argmax (index) output of maxpool_base_* */
#define POOLING_INDEX_FLOAT32 0
#define POOLING_INDEX_INT32 1
#define POOLING_INDEX_INT64 2

typedef struct pooling_param_t {
  int32_t batch;
  int32_t in_h;
  int32_t in_w;
  int32_t channels;
  int32_t out_h;
  int32_t out_w;
  int32_t kernel_h;
  int32_t kernel_w;
  int32_t stride_h;
  int32_t stride_w;
  int32_t pad_top;
  int32_t pad_left;
  int32_t count_include_pad; /* avg: 1 = divide by kernel_h*kernel_w (pads count), 0 = by valid taps */
  int32_t act_type;          /* fp32 / fp16: NNACL_ACT_* */
  int32_t act_min;           /* int8 clamp range (maxpool_base_*: when clamp is 1) */
  int32_t act_max;
  int32_t clamp;             /* maxpool_base_* of integers: 1 = clamp to [act_min, act_max] (quantized) */
  int32_t index_type;        /* maxpool_base_* argmax output element type: POOLING_INDEX_* */
} pooling_param_t;

#endif /* NNACL_COMMON_POOLING_PARAM_H_ */
