/* reduce_param.h -- parameters of ReduceFusion over any set of axes, and the index walk shared
 * by the reduce kernels.
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

/* Advance the row-major position idx[0..nd) over shape by one element; returns the change of
 * the input offset (strides per dim). After the last element idx is back at 0. */
static inline ptrdiff_t reduce_step(int32_t *idx, const int32_t *shape, const int32_t *strides, int32_t nd) {
  ptrdiff_t delta = 0;
  int32_t d;
  for (d = nd - 1; d >= 0; --d) {
    delta += strides[d];
    if (++idx[d] < shape[d]) {
      return delta;
    }
    delta -= (ptrdiff_t)strides[d] * shape[d];
    idx[d] = 0;
  }
  return delta;
}

/* number of output elements: the product of out_shape */
static inline int32_t reduce_out_count(const reduce_param_t *param) {
  int32_t n = 1, d;
  for (d = 0; d < param->out_ndim; ++d) {
    n *= param->out_shape[d];
  }
  return n;
}

/* REDUCE_WALK: for every output element o (row-major over the kept dims), runs INIT (a
 * declaration of the accumulator `acc`, which may read `first`, the first reduced element),
 * then STEP for each reduced element `v` (row-major over the reduced dims; `walk_r | walk_k`
 * is 0 for the first one), and stores FINISH (an expression of acc) in output[o]. */
#define REDUCE_WALK(param, in_type, input, output, INIT, STEP, FINISH)                               \
  do {                                                                                                \
    const int32_t walk_count = reduce_out_count(param);                                               \
    const int32_t walk_rnd = (param)->red_ndim - 1;                                                   \
    const int32_t walk_len = (param)->red_shape[walk_rnd];                                            \
    const ptrdiff_t walk_stride = (param)->red_strides[walk_rnd];                                     \
    int32_t walk_oidx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};                                           \
    ptrdiff_t walk_base = 0;                                                                          \
    int32_t walk_o, walk_r, walk_k;                                                                   \
    for (walk_o = 0; walk_o < walk_count; ++walk_o) {                                                 \
      int32_t walk_ridx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};                                         \
      ptrdiff_t walk_off = walk_base;                                                                 \
      const in_type first = (input)[walk_off];                                                        \
      INIT;                                                                                           \
      (void)first;                                                                                    \
      for (walk_r = 0; walk_r < (param)->axis_size; walk_r += walk_len) {                             \
        const in_type *walk_x = (input) + walk_off;                                                   \
        for (walk_k = 0; walk_k < walk_len; ++walk_k) {                                               \
          const in_type v = walk_x[walk_k * walk_stride];                                             \
          STEP;                                                                                       \
        }                                                                                             \
        walk_off += reduce_step(walk_ridx, (param)->red_shape, (param)->red_strides, walk_rnd);       \
      }                                                                                               \
      (output)[walk_o] = FINISH;                                                                      \
      walk_base += reduce_step(walk_oidx, (param)->out_shape, (param)->out_strides,                 \
                               (param)->out_ndim);                                                    \
    }                                                                                                 \
  } while (0)

#endif /* NNACL_COMMON_REDUCE_PARAM_H_ */
