/* activation_base.h -- activations and Clip on plain (not quantized) integers, one function per
 * element type: the piecewise-linear activations clamp, ABS saturates (except int64, which wraps
 * like numpy), LINEAR copies. */
#ifndef NNACL_BASE_ACTIVATION_BASE_H_
#define NNACL_BASE_ACTIVATION_BASE_H_

#include "common/activation_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* param->type ACTIVATION_ABS: |x| (the type's minimum gives its maximum; int64 keeps it);
 * any other type: clamp to [lo, hi] where lo = *min_in when min_in is not NULL, else
 * param->int_lo if has_min (else unbounded), hi likewise (Clip, RELU, RELU6, RELU1, HARD_TANH,
 * LINEAR). Returns NNACL_OK. */
#define ACTIVATION_BASE_DECLARE(SUFFIX, TYPE)                                                       \
  int activation_int_##SUFFIX(const activation_param_t *param, const TYPE *input, const TYPE *min_in, \
                              const TYPE *max_in, TYPE *output);

ACTIVATION_BASE_DECLARE(i8, int8_t)
ACTIVATION_BASE_DECLARE(i16, int16_t)
ACTIVATION_BASE_DECLARE(i32, int32_t)
ACTIVATION_BASE_DECLARE(i64, int64_t)
ACTIVATION_BASE_DECLARE(u8, uint8_t)
ACTIVATION_BASE_DECLARE(u16, uint16_t)
ACTIVATION_BASE_DECLARE(u32, uint32_t)

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_ACTIVATION_BASE_H_ */
