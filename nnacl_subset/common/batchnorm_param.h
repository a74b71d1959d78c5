/* batchnorm_param.h -- parameters of BatchNorm / FusedBatchNorm (inference form, stored
 * statistics): the input viewed as [outer][channels][inner]. */
#ifndef NNACL_COMMON_BATCHNORM_PARAM_H_
#define NNACL_COMMON_BATCHNORM_PARAM_H_

#include "common/nnacl_common.h"

typedef struct batchnorm_param_t {
  int32_t outer;     /* product of the dims before the channel dim */
  int32_t channels;  /* size of the channel dim (last; 1 for NCHW tensors) */
  int32_t inner;     /* product of the dims after it */
  float epsilon;
} batchnorm_param_t;

#endif /* NNACL_COMMON_BATCHNORM_PARAM_H_ */
