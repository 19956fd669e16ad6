import { ts } from '#ts-morph';

/** Symbol-keyed and `#private` members: JSON never carries them, and no caller can read them. */
export function isHiddenMember(property: ts.Symbol): boolean
{
    if (property.getName().startsWith('__@')) return true;
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    const name = declaration === undefined ? undefined : ts.getNameOfDeclaration(declaration);
    return name !== undefined && ts.isPrivateIdentifier(name);
}
