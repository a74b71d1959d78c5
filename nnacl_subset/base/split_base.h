/* split_base.h -- Split: input row r = output 0 row r | output 1 row r | ...
 * output_row_bytes[k] is the byte size of one row of output k (num_outputs values). */
#ifndef NNACL_BASE_SPLIT_BASE_H_
#define NNACL_BASE_SPLIT_BASE_H_

#include "common/split_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* outputs: one buffer per output (an array of writable pointers). */
void split_base(const split_param_t *param, const void *input, const int32_t *output_row_bytes,
                void *const *outputs);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_SPLIT_BASE_H_ */
