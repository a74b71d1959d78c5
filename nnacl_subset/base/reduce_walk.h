/* reduce_walk.h -- the index walk shared by the reduce kernels (base/reduce_base.c,
 * fp32/reduce_fp32.c, int8/reduce_int8.c): static inline helpers and the REDUCE_WALK statement
 * macro, no public function. See common/reduce_param.h for the layout it walks. */
#ifndef NNACL_BASE_REDUCE_WALK_H_
#define NNACL_BASE_REDUCE_WALK_H_

#include "common/reduce_param.h"

/* Nonzero when REDUCE_WALK reads inside the input: 1..NNACL_MAX_DIMS kept and reduced dims and
 * at least one reduced element per output. Every reduce kernel returns NNACL_ERR_PARAM
 * otherwise -- in particular for an empty reduction, where `first` has nothing to read. */
static inline int reduce_walk_ok(const reduce_param_t *param) {
  return param->out_ndim >= 1 && param->out_ndim <= NNACL_MAX_DIMS && param->red_ndim >= 1 &&
         param->red_ndim <= NNACL_MAX_DIMS && param->axis_size >= 1;
}

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
 * is 0 for the first one), and stores FINISH (an expression of acc) in output[o].
 * The caller checks reduce_walk_ok(param) first. */
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

#endif /* NNACL_BASE_REDUCE_WALK_H_ */
