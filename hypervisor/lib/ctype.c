/*
 * lib/ctype.c - ASCII character classes of Skiff's freestanding libc subset
 * (libc/ctype.h). There are no locales: bytes above 0x7f and EOF belong to
 * no class, and tolower/toupper change only ASCII letters.
 */
#include <ctype.h>

int isdigit(int c)
{
    return c >= '0' && c <= '9';
}

int isxdigit(int c)
{
    return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Space, \t, \n, \v, \f and \r. */
int isspace(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

int isupper(int c)
{
    return c >= 'A' && c <= 'Z';
}

int islower(int c)
{
    return c >= 'a' && c <= 'z';
}

int isalpha(int c)
{
    return isupper(c) || islower(c);
}

int isalnum(int c)
{
    return isalpha(c) || isdigit(c);
}

int isprint(int c)
{
    return c >= ' ' && c <= '~';
}

int tolower(int c)
{
    return isupper(c) ? c - 'A' + 'a' : c;
}

int toupper(int c)
{
    return islower(c) ? c - 'a' + 'A' : c;
}
