// Who is logged in, as the page shell says: viewers only read, so pages leave out every control that would change
// something (the API refuses such calls from a viewer anyway).
export const canChange = document.body?.dataset.role !== 'viewer';
