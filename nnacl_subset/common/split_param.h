/* split_param.h -- parameters of Split along one axis (dtype-agnostic, byte copies). */
#ifndef NNACL_COMMON_SPLIT_PARAM_H_
#define NNACL_COMMON_SPLIT_PARAM_H_

#include "common/nnacl_common.h"

typedef struct split_param_t {
  int32_t num_outputs;
  int32_t outer;  /* product of the input dims before the axis */
} split_param_t;

#endif /* NNACL_COMMON_SPLIT_PARAM_H_ */
