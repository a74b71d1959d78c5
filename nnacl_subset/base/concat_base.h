/* concat_base.h -- Concat: output row r = input 0 row r | input 1 row r | ...
 * input_row_bytes[k] is the byte size of one row of input k (num_inputs values). */
#ifndef NNACL_BASE_CONCAT_BASE_H_
#define NNACL_BASE_CONCAT_BASE_H_

#include "common/concat_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void concat_base(const concat_param_t *param, const void *const *inputs, const int32_t *input_row_bytes,
                 void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_CONCAT_BASE_H_ */
