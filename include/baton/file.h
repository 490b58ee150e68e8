/* Files Baton writes outside the store (packets, briefings, transfer files): whole or not at all,
 * durably. The data goes to a temporary file beside the target, is fsynced, and is renamed into
 * place, so a reader never sees half a file and an acknowledged file survives power loss. */
#ifndef BATON_FILE_H
#define BATON_FILE_H

#include <stddef.h>

/* Writes data to a fresh temporary file beside path (mode 0600, fsynced); its name goes to tmp. */
int baton_file_stage(const char *path, const void *data, size_t len, char *tmp, size_t tmpn);
/* Renames a staged file into place (or removes it when commit is 0). */
int baton_file_finish(const char *tmp, const char *path, int commit);
/* Both: path holds data, or is untouched. Errors name "-o: path". */
int baton_file_write(const char *path, const void *data, size_t len);

/* Reads a whole regular file of at most max bytes into *data (NUL-terminated, freed by the
 * caller). BATON_ENOTFOUND when missing, BATON_EINVALID when not a regular file or too large. */
int baton_file_read(const char *path, size_t max, char **data, size_t *len);
#endif
