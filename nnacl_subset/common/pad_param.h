/* pad_param.h -- parameters of Pad (CONSTANT, REFLECT, SYMMETRIC; any dtype, up to
 * NNACL_MAX_DIMS dims). */
#ifndef NNACL_COMMON_PAD_PARAM_H_
#define NNACL_COMMON_PAD_PARAM_H_

#include "common/nnacl_common.h"

#define PAD_MODE_CONSTANT 0  /* the border holds the constant value */
#define PAD_MODE_REFLECT 1   /* mirror without repeating the edge: 3 2 [1 2 3] 2 1 (pads < dim) */
#define PAD_MODE_SYMMETRIC 2 /* mirror repeating the edge: 2 1 [1 2 3] 3 2 (pads <= dim) */

typedef struct pad_param_t {
  int32_t ndim;                        /* 1..NNACL_MAX_DIMS */
  int32_t elem_size;                   /* bytes per element */
  int32_t mode;                        /* PAD_MODE_* */
  int32_t in_shape[NNACL_MAX_DIMS];
  int32_t out_shape[NNACL_MAX_DIMS];
  int32_t pad_before[NNACL_MAX_DIMS];  /* out = in + pad_before + pad_after per dim */
} pad_param_t;

#endif /* NNACL_COMMON_PAD_PARAM_H_ */
