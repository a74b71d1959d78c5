/* resize_param.h -- parameters of Resize (NHWC). The per-axis source indices and weights are
 * tables computed at generation time (micro_codegen.numerics resize_*), passed as constants:
 * every kernel only gathers and weights, so the coordinate arithmetic lives in one place. */
#ifndef NNACL_COMMON_RESIZE_PARAM_H_
#define NNACL_COMMON_RESIZE_PARAM_H_

#include "common/nnacl_common.h"

#define RESIZE_LINEAR_TAPS 2 /* taps per output coordinate of LINEAR */
#define RESIZE_CUBIC_TAPS 4  /* taps per output coordinate of CUBIC */

typedef struct resize_param_t {
  int32_t batch;
  int32_t in_h;
  int32_t in_w;
  int32_t channels;
  int32_t out_h;
  int32_t out_w;
  int32_t taps;      /* resize_fp32: taps per output coordinate (RESIZE_LINEAR_TAPS / RESIZE_CUBIC_TAPS) */
  int32_t elem_size; /* resize_nearest_base: bytes per element */
} resize_param_t;

#endif /* NNACL_COMMON_RESIZE_PARAM_H_ */
