/* ctype.h - ASCII character classes (Skiff's freestanding libc subset). */
#ifndef SKIFF_LIBC_CTYPE_H
#define SKIFF_LIBC_CTYPE_H

int isdigit(int c);
int isxdigit(int c);
int isspace(int c);
int isalpha(int c);
int isalnum(int c);
int isupper(int c);
int islower(int c);
int isprint(int c);
int tolower(int c);
int toupper(int c);

#endif
