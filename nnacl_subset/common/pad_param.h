/* pad_param.h -- parameters of constant Pad (any dtype, up to NNACL_MAX_DIMS dims). */
#ifndef NNACL_COMMON_PAD_PARAM_H_
#define NNACL_COMMON_PAD_PARAM_H_

#include "common/nnacl_common.h"

typedef struct pad_param_t {
  int32_t ndim;                        /* 1..NNACL_MAX_DIMS */
  int32_t elem_size;                   /* bytes per element: 1 (int8) or 4 (fp32 / int32) */
  int32_t in_shape[NNACL_MAX_DIMS];
  int32_t out_shape[NNACL_MAX_DIMS];
  int32_t pad_before[NNACL_MAX_DIMS];  /* out = in + pad_before + pad_after per dim */
  float constant_f;                    /* fill value when elem_size == 4 and is_float */
  int32_t constant_i;                  /* fill value for integer types (int8: the zero point + q) */
  int32_t is_float;
} pad_param_t;

#endif /* NNACL_COMMON_PAD_PARAM_H_ */
