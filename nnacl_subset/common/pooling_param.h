/* pooling_param.h -- parameters of AvgPool / MaxPool (fp32 and int8), NHWC.
 * int8 pools need equal input and output quantization (TFLite), so there is no rescale. */
#ifndef NNACL_COMMON_POOLING_PARAM_H_
#define NNACL_COMMON_POOLING_PARAM_H_

#include "common/nnacl_common.h"

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
  int32_t act_type;          /* fp32: NNACL_ACT_* */
  int32_t act_min;           /* int8 clamp range */
  int32_t act_max;
} pooling_param_t;

#endif /* NNACL_COMMON_POOLING_PARAM_H_ */
