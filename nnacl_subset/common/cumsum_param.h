/* cumsum_param.h -- parameters of CumSum along one axis. */
#ifndef NNACL_COMMON_CUMSUM_PARAM_H_
#define NNACL_COMMON_CUMSUM_PARAM_H_

#include "common/nnacl_common.h"

typedef struct cumsum_param_t {
  int32_t outer;     /* product of the dims before the axis */
  int32_t axis_size; /* elements along the axis */
  int32_t inner;     /* product of the dims after it */
  int32_t exclusive; /* 1: each sum leaves its own element out (the first is 0) */
  int32_t reverse;   /* 1: sums run from the end of the axis */
} cumsum_param_t;

#endif /* NNACL_COMMON_CUMSUM_PARAM_H_ */
