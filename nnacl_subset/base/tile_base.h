/* tile_base.h -- Tile (and BroadcastTo, a tile of the size-1 dims):
 * out[i0..in] = in[i0 % in_shape[0], .., in % in_shape[n]]. */
#ifndef NNACL_BASE_TILE_BASE_H_
#define NNACL_BASE_TILE_BASE_H_

#include "common/tile_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void tile_base(const tile_param_t *param, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_TILE_BASE_H_ */
