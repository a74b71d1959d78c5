/* topk_param.h -- parameters of TopKFusion (k largest along one axis, sorted). */
#ifndef NNACL_COMMON_TOPK_PARAM_H_
#define NNACL_COMMON_TOPK_PARAM_H_

#include "common/nnacl_common.h"

/* index output type (index_kind field) */
#define TOPK_INDEX32 0
#define TOPK_INDEX64 1

typedef struct topk_param_t {
  int32_t outer;      /* product of the dims before the axis */
  int32_t axis_size;  /* elements along the axis */
  int32_t inner;      /* product of the dims after it */
  int32_t k;          /* 1..axis_size */
  int32_t index_kind; /* TOPK_INDEX* */
} topk_param_t;

#endif /* NNACL_COMMON_TOPK_PARAM_H_ */
