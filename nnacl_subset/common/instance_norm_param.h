/* instance_norm_param.h -- parameters of InstanceNorm: the input viewed as
 * [batch][outer][channels][inner]; each (sample, channel) is normalised over outer x inner. */
#ifndef NNACL_COMMON_INSTANCE_NORM_PARAM_H_
#define NNACL_COMMON_INSTANCE_NORM_PARAM_H_

#include "common/nnacl_common.h"

typedef struct instance_norm_param_t {
  int32_t batch;     /* dim 0 */
  int32_t outer;     /* product of the dims between the batch and the channel dim */
  int32_t channels;  /* the channel dim (1 for NCHW tensors, else the last) */
  int32_t inner;     /* product of the dims after the channel dim */
  float epsilon;
} instance_norm_param_t;

#endif /* NNACL_COMMON_INSTANCE_NORM_PARAM_H_ */
