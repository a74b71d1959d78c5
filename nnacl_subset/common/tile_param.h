/* tile_param.h -- parameters of TileFusion / BroadcastTo (dtype-agnostic, up to
 * NNACL_MAX_DIMS dims after merging). */
#ifndef NNACL_COMMON_TILE_PARAM_H_
#define NNACL_COMMON_TILE_PARAM_H_

#include "common/nnacl_common.h"

typedef struct tile_param_t {
  int32_t ndim;                        /* 1..NNACL_MAX_DIMS */
  int32_t elem_size;                   /* bytes per element */
  int32_t in_shape[NNACL_MAX_DIMS];    /* > 0 */
  int32_t out_shape[NNACL_MAX_DIMS];   /* a multiple of in_shape (BroadcastTo: in 1 or equal) */
} tile_param_t;

#endif /* NNACL_COMMON_TILE_PARAM_H_ */
