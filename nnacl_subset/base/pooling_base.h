/* pooling_base.h -- MaxPool of any dtype (NHWC), with an optional argmax output.
 *
 * One function per element type: maxpool_base_<i8|u8|i16|u16|i32|u32|i64|u64|f16|f32>
 * (f16 = IEEE binary16 bits in uint16_t). The maximum of the window's input taps (the
 * first maximum in (ky, kx) order); a window with no input tap (CEIL rounding past the
 * input) gives the type's lowest value (-FLT_MAX for f32, -65504 for f16). Integers are
 * then clamped to [act_min, act_max] when param->clamp is 1; floats get param->act_type.
 * index (NULL: not written) receives, per output element, the position of that maximum in
 * the input flattened as NCHW, ((n * C + c) * H + y) * W + x (ONNX MaxPool Indices), or -1
 * for an empty window, as float / int32_t / int64_t per param->index_type. */
#ifndef NNACL_BASE_POOLING_BASE_H_
#define NNACL_BASE_POOLING_BASE_H_

#include "common/pooling_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void maxpool_base_i8(const pooling_param_t *param, const int8_t *input, int8_t *output, void *index);
void maxpool_base_u8(const pooling_param_t *param, const uint8_t *input, uint8_t *output, void *index);
void maxpool_base_i16(const pooling_param_t *param, const int16_t *input, int16_t *output, void *index);
void maxpool_base_u16(const pooling_param_t *param, const uint16_t *input, uint16_t *output, void *index);
void maxpool_base_i32(const pooling_param_t *param, const int32_t *input, int32_t *output, void *index);
void maxpool_base_u32(const pooling_param_t *param, const uint32_t *input, uint32_t *output, void *index);
void maxpool_base_i64(const pooling_param_t *param, const int64_t *input, int64_t *output, void *index);
void maxpool_base_u64(const pooling_param_t *param, const uint64_t *input, uint64_t *output, void *index);
void maxpool_base_f16(const pooling_param_t *param, const uint16_t *input, uint16_t *output, void *index);
void maxpool_base_f32(const pooling_param_t *param, const float *input, float *output, void *index);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_POOLING_BASE_H_ */
