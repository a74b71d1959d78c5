/* local_response_norm_param.h -- parameters of LRN (across channels): the input viewed as
 * [outer][channels][inner]. */
#ifndef NNACL_COMMON_LOCAL_RESPONSE_NORM_PARAM_H_
#define NNACL_COMMON_LOCAL_RESPONSE_NORM_PARAM_H_

#include "common/nnacl_common.h"

typedef struct local_response_norm_param_t {
  int32_t outer;         /* product of the dims before the channel dim */
  int32_t channels;      /* the channel dim (last; 1 for NCHW tensors) */
  int32_t inner;         /* product of the dims after it */
  int32_t depth_radius;  /* the window is channels c - depth_radius .. c + depth_radius */
  float bias;
  float alpha;           /* as stored (MindSpore keeps ONNX's alpha / size) */
  float beta;
} local_response_norm_param_t;

#endif /* NNACL_COMMON_LOCAL_RESPONSE_NORM_PARAM_H_ */
