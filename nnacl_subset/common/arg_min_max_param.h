/* arg_min_max_param.h -- parameters of ArgMaxFusion / ArgMinFusion along one axis. */
#ifndef NNACL_COMMON_ARG_MIN_MAX_PARAM_H_
#define NNACL_COMMON_ARG_MIN_MAX_PARAM_H_

#include "common/nnacl_common.h"

/* what the output holds (out_kind field) */
#define ARG_MIN_MAX_OUT_INDEX32 0 /* int32 indices */
#define ARG_MIN_MAX_OUT_INDEX64 1 /* int64 indices */
#define ARG_MIN_MAX_OUT_VALUE 2   /* the selected values (input type) */

typedef struct arg_min_max_param_t {
  int32_t outer;     /* product of the dims before the axis */
  int32_t axis_size; /* elements along the axis */
  int32_t inner;     /* product of the dims after it */
  int32_t top_k;     /* 1..axis_size results per position, best first */
  int32_t is_min;    /* 1: ArgMin (smallest first), 0: ArgMax (largest first) */
  int32_t out_kind;  /* ARG_MIN_MAX_OUT_* */
} arg_min_max_param_t;

#endif /* NNACL_COMMON_ARG_MIN_MAX_PARAM_H_ */
