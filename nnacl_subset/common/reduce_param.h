/* reduce_param.h -- parameters of ReduceFusion over any set of axes (walked by
 * base/reduce_walk.h).
 *
 * The kept (output) dims and the reduced dims are each merged where the input walks them
 * contiguously; every output element (in row-major order over the kept dims) reduces its
 * axis_size inputs in row-major order over the reduced dims. Offsets are input elements. */
#ifndef NNACL_COMMON_REDUCE_PARAM_H_
#define NNACL_COMMON_REDUCE_PARAM_H_

#include "common/nnacl_common.h"

/* mode field */
#define REDUCE_MODE_SUM 0
#define REDUCE_MODE_MEAN 1
#define REDUCE_MODE_MAX 2
#define REDUCE_MODE_MIN 3
#define REDUCE_MODE_PROD 4
#define REDUCE_MODE_SUM_SQUARE 5 /* fp32 */
#define REDUCE_MODE_ASUM 6       /* fp32: sum of |x| */
#define REDUCE_MODE_L2 7         /* fp32: sqrt of the sum of squares */
#define REDUCE_MODE_ALL 8        /* bool: all (ReduceAll / ReduceMin / ReduceProd) */
#define REDUCE_MODE_ANY 9        /* bool: any (ReduceMax) */

typedef struct reduce_param_t {
  int32_t mode;                          /* REDUCE_MODE_* */
  int32_t out_ndim;                      /* merged kept dims, 1..NNACL_MAX_DIMS */
  int32_t out_shape[NNACL_MAX_DIMS];
  int32_t out_strides[NNACL_MAX_DIMS];   /* input element stride of each kept dim */
  int32_t red_ndim;                      /* merged reduced dims, 1..NNACL_MAX_DIMS */
  int32_t red_shape[NNACL_MAX_DIMS];
  int32_t red_strides[NNACL_MAX_DIMS];   /* input element stride of each reduced dim */
  int32_t axis_size;                     /* reduced elements per output (product of red_shape) */
  float coeff;                           /* fp32: every result is multiplied by coeff (1: none) */
  /* int8 (TFLite reference):
   *   mean / sum: out = clamp(MBQM(sum(x) - input_zp * axis_size, multiplier, shift) + output_zp);
   *   prod: p = x0 - input_zp, p = MBQM64(p * (x - input_zp)) per further element,
   *         out = clamp(MBQM64(p) + output_zp) (16-bit reduced multiplier, see reduce_int8.h) */
  int32_t input_zp;
  int32_t output_zp;
  int32_t multiplier;
  int32_t shift;
  int32_t rounding; /* NNACL_ROUND_* of mean / sum */
  int32_t act_min;
  int32_t act_max;
} reduce_param_t;

#endif /* NNACL_COMMON_REDUCE_PARAM_H_ */
