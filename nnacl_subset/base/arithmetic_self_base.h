/* arithmetic_self_base.h -- element-wise unary math on plain integers (Abs, Neg, Square wrap
 * like C unsigned arithmetic of the type; Floor, Ceil, Round copy) and LogicalNot on bool. */
#ifndef NNACL_BASE_ARITHMETIC_SELF_BASE_H_
#define NNACL_BASE_ARITHMETIC_SELF_BASE_H_

#include "common/arithmetic_self_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* returns NNACL_OK, or NNACL_ERR_PARAM for a type without integer semantics */
#define ARITHMETIC_SELF_BASE_DECLARE(SUFFIX, TYPE) \
  int arithmetic_self_##SUFFIX(const arithmetic_self_param_t *param, const TYPE *input, TYPE *output);

ARITHMETIC_SELF_BASE_DECLARE(i8, int8_t)
ARITHMETIC_SELF_BASE_DECLARE(i16, int16_t)
ARITHMETIC_SELF_BASE_DECLARE(i32, int32_t)
ARITHMETIC_SELF_BASE_DECLARE(i64, int64_t)
ARITHMETIC_SELF_BASE_DECLARE(u8, uint8_t)
ARITHMETIC_SELF_BASE_DECLARE(u16, uint16_t)
ARITHMETIC_SELF_BASE_DECLARE(u32, uint32_t)
ARITHMETIC_SELF_BASE_DECLARE(u64, uint64_t)

/* bool (uint8_t 0 / 1): out = !in */
void logical_not_base(const arithmetic_self_param_t *param, const uint8_t *input, uint8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_ARITHMETIC_SELF_BASE_H_ */
