/* concat_param.h -- parameters of Concat along one axis (dtype-agnostic, byte copies). */
#ifndef NNACL_COMMON_CONCAT_PARAM_H_
#define NNACL_COMMON_CONCAT_PARAM_H_

#include "common/nnacl_common.h"

typedef struct concat_param_t {
  int32_t num_inputs;
  int32_t outer;          /* product of the dims before the axis */
  int32_t out_row_bytes;  /* bytes of one output row (axis dim x inner dims x elem size) */
} concat_param_t;

#endif /* NNACL_COMMON_CONCAT_PARAM_H_ */
